// What every file mailmig reads and may write offers, whatever its format: the bytes as read,
// whether edits changed them, and the bytes as they stand. A profile owns one document a file and
// its ProfileFile entries only point at them, so each file's bytes are held once, in its document
// (or not at all: a UTF-16 .reg export keeps only its decoded text and encodes it again).
#pragma once

#include <string>
#include <utility>

namespace mailmig {

class LosslessDocument {
 public:
  virtual ~LosslessDocument() = default;

  // The bytes as read (empty for a file mailmig creates), built when asked for: an apply or a
  // diff asks once a file, a plan never.
  virtual std::string original() const = 0;
  // Whether serialize() differs from original(), found without building serialize() where the
  // format can.
  virtual bool changed() const = 0;
  // The bytes as they stand: original(), unchanged, until edited.
  virtual std::string serialize() const = 0;

 protected:
  LosslessDocument() = default;
  LosslessDocument(const LosslessDocument&) = default;
  LosslessDocument(LosslessDocument&&) = default;
  LosslessDocument& operator=(const LosslessDocument&) = default;
  LosslessDocument& operator=(LosslessDocument&&) = default;
};

// A file mailmig only reads (Claws Mail's clawsrc and passwordstorerc): its bytes as read.
class ReadOnlyDocument final : public LosslessDocument {
 public:
  explicit ReadOnlyDocument(std::string bytes) : bytes_(std::move(bytes)) {}

  std::string original() const override { return bytes_; }
  bool changed() const override { return false; }
  std::string serialize() const override { return bytes_; }

 private:
  std::string bytes_;
};

}  // namespace mailmig
