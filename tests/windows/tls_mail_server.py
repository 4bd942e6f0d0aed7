#!/usr/bin/env python3
"""A mail server on 127.0.0.1 for the Windows endpoint probe's test (endpoint_probe_test.sh).

Usage: tls_mail_server.py MODE CERT KEY PORT_FILE
  imaps   implicit TLS, an IMAP greeting, CAPABILITY and LOGOUT answered
  pop3s   implicit TLS, a POP3 greeting, CAPA and QUIT answered
  smtp    a plaintext SMTP greeting, STARTTLS, then EHLO (with AUTH) and QUIT over TLS
  silent  accepts connections and never sends a byte
It listens on a free port, writes the port to PORT_FILE (then PORT_FILE.ready), appends every
line a client sent to PORT_FILE.received, and serves until it is killed.
"""
import socket
import ssl
import sys
import threading

IMAP = {b"m1 CAPABILITY": b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nm1 OK done\r\n",
        b"m9 LOGOUT": b"* BYE\r\nm9 OK bye\r\n"}
POP3 = {b"CAPA": b"+OK\r\nUSER\r\n.\r\n", b"QUIT": b"+OK bye\r\n"}
SMTP_PLAIN = {b"EHLO mailmig.invalid": b"250-fake.test\r\n250 STARTTLS\r\n",
              b"STARTTLS": b"220 go ahead\r\n"}
SMTP_TLS = {b"EHLO mailmig.invalid": b"250-fake.test\r\n250 AUTH PLAIN LOGIN\r\n",
            b"QUIT": b"221 bye\r\n"}
LAST = {b"m9 LOGOUT", b"QUIT", b"STARTTLS"}


def converse(stream, replies, received_log):
    """Answers each line from the table until a last line or the end; returns the last line."""
    pending = b""
    while True:
        while b"\r\n" not in pending:
            chunk = stream.recv(4096)
            if not chunk:
                return None
            pending += chunk
        line, pending = pending.split(b"\r\n", 1)
        with open(received_log, "ab") as log:
            log.write(line + b"\n")
        stream.sendall(replies.get(line, b"500 unknown\r\n"))
        if line in LAST:
            return line


def serve(connection, mode, context, received_log):
    try:
        if mode == "silent":
            while connection.recv(4096):  # until the client gives up
                pass
            return
        if mode == "smtp":
            connection.sendall(b"220 fake.test ESMTP\r\n")
            if converse(connection, SMTP_PLAIN, received_log) != b"STARTTLS":
                return
            stream = context.wrap_socket(connection, server_side=True)
            converse(stream, SMTP_TLS, received_log)
            return
        stream = context.wrap_socket(connection, server_side=True)
        if mode == "imaps":
            stream.sendall(b"* OK fake IMAP ready\r\n")
            converse(stream, IMAP, received_log)
        else:
            stream.sendall(b"+OK fake POP3 ready\r\n")
            converse(stream, POP3, received_log)
    except (OSError, ssl.SSLError):
        pass  # a client that refused the certificate hangs up in the handshake
    finally:
        connection.close()


def main():
    mode, cert, key, port_file = sys.argv[1:5]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    with open(port_file, "w") as out:
        out.write(str(listener.getsockname()[1]))
    open(port_file + ".ready", "w").close()
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(connection, mode, context, port_file + ".received"),
                         daemon=True).start()


if __name__ == "__main__":
    main()
