#!/usr/bin/env python3
"""A small SMTP sink for bench/faults.sh: takes every message, waits
DELAY_MS before answering the end of DATA (so a kill lands mid-run), and
appends one JSON line per message (Message-ID, recipients) to OUT.

    python3 bench/smtp_sink.py PORT OUT [DELAY_MS]
"""
import json
import re
import socketserver
import sys
import threading
import time

PORT, OUT = int(sys.argv[1]), sys.argv[2]
DELAY = (int(sys.argv[3]) if len(sys.argv) > 3 else 0) / 1000.0
LOCK = threading.Lock()


class Session(socketserver.StreamRequestHandler):
    def say(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        self.say("220 sink ESMTP")
        rcpt = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            up = cmd.upper()
            if up.startswith("EHLO"):
                self.wfile.write(b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                self.wfile.flush()
            elif up.startswith("HELO") or up.startswith("RSET") or up.startswith("NOOP"):
                self.say("250 OK")
            elif up.startswith("MAIL FROM"):
                rcpt = []
                self.say("250 OK")
            elif up.startswith("RCPT TO"):
                rcpt.append(cmd[8:].strip().strip("<>"))
                self.say("250 OK")
            elif up == "DATA":
                self.say("354 go ahead")
                head = []
                while True:
                    l = self.rfile.readline()
                    if not l or l in (b".\r\n", b".\n"):
                        break
                    head.append(l)
                text = b"".join(head).decode("utf-8", "replace")
                m = re.search(r"^Message-ID:\s*(\S+)", text, re.I | re.M)
                time.sleep(DELAY)
                with LOCK, open(OUT, "a") as f:
                    f.write(json.dumps({"message_id": m.group(1) if m else None, "to": rcpt}) + "\n")
                self.say("250 queued")
            elif up == "QUIT":
                self.say("221 bye")
                return
            else:
                self.say("502 not implemented")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


Server(("127.0.0.1", PORT), Session).serve_forever()
