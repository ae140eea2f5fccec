"""Sends a whole SQL file to PostgreSQL as ONE simple-query message through libpq (ctypes), the
way `psql -c "$(cat file)"` would if the shell allowed arguments that long. The server runs a
multi-statement message as one implicit transaction. Usage: single_message.py URL FILE"""

import ctypes
import ctypes.util
import sys

lib = ctypes.CDLL(ctypes.util.find_library("pq") or "libpq.so.5")
lib.PQconnectdb.restype = ctypes.c_void_p
lib.PQconnectdb.argtypes = [ctypes.c_char_p]
lib.PQstatus.argtypes = [ctypes.c_void_p]
lib.PQerrorMessage.restype = ctypes.c_char_p
lib.PQerrorMessage.argtypes = [ctypes.c_void_p]
lib.PQexec.restype = ctypes.c_void_p
lib.PQexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
lib.PQresultStatus.argtypes = [ctypes.c_void_p]
lib.PQresultErrorMessage.restype = ctypes.c_char_p
lib.PQresultErrorMessage.argtypes = [ctypes.c_void_p]
lib.PQfinish.argtypes = [ctypes.c_void_p]
# Silence NOTICEs (psql -q does not print them either... it does, to stderr; here they are dropped).
NOTICE = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p)
lib.PQsetNoticeProcessor.argtypes = [ctypes.c_void_p, NOTICE, ctypes.c_void_p]
_quiet = NOTICE(lambda arg, msg: None)

url, path = sys.argv[1], sys.argv[2]
# An explicit block, as psql -1 has: the floor file may commit and begin again inside it.
sql = b"BEGIN;\n" + open(path, "rb").read() + b"\n;\nCOMMIT;"
conn = lib.PQconnectdb(url.encode())
if lib.PQstatus(conn) != 0:
    sys.exit("connect: " + lib.PQerrorMessage(conn).decode())
lib.PQsetNoticeProcessor(conn, _quiet, None)
res = lib.PQexec(conn, sql)
status = lib.PQresultStatus(res)
if status not in (1, 2):  # PGRES_COMMAND_OK, PGRES_TUPLES_OK
    sys.exit("error: " + lib.PQresultErrorMessage(res).decode())
lib.PQfinish(conn)
