#!/usr/bin/env python3
"""Database work per request: pool checkouts and SQL statements of one approve and of one public
list on a cache miss, read from the server's own counters (`portal_db_checkouts_total`,
`portal_db_queries_total` in GET /metrics), on SQLite and on PostgreSQL.

    python3 bench/queries.py [BINARY]        # BINARY defaults to target/release/portal

Each figure is the median over ROUNDS requests of the difference of the counters around the
request (the scrape itself takes no checkout and runs no statement). The server runs with the
response cache off and no background jobs, so nothing else moves the counters.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROUNDS = 9
PORT = int(os.environ.get("BENCH_PORT", "18182"))
PG_ADMIN = os.environ.get("PORTAL_CI_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PASSWORD = "Một mật khẩu dài cho đo 2026"
BASE = f"http://127.0.0.1:{PORT}"


def call(method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req) as res:
            text = res.read().decode()
            return res.status, json.loads(text) if text else None
    except urllib.error.HTTPError as err:
        raise SystemExit(f"{method} {path}: {err.code} {err.read().decode()}")


def counters():
    with urllib.request.urlopen(BASE + "/metrics") as res:
        text = res.read().decode()
    values = {}
    for line in text.splitlines():
        for name in ("portal_db_checkouts_total", "portal_db_queries_total"):
            if line.startswith(name + " "):
                values[name] = int(float(line.split()[1]))
    return values["portal_db_checkouts_total"], values["portal_db_queries_total"]


def measured(action):
    before = counters()
    action()
    after = counters()
    return after[0] - before[0], after[1] - before[1]


def add_user(binary, database, username, agency, role):
    subprocess.run(
        [binary, "user", "add", "--database", database, "--username", username,
         "--agency", agency, "--role", role, "--site", "quang-nam", "--password-stdin"],
        input=PASSWORD + "\n", text=True, check=True, capture_output=True)


def login(username):
    _, body = call("POST", "/api/v1/auth/login", body={"username": username, "password": PASSWORD})
    return body["access_token"]


def run(binary, database, data_dir):
    subprocess.run([binary, "migrate", "--database", database], check=True, capture_output=True)
    subprocess.run([binary, "seed", "--database", database, "--demo-content", "200"],
                   check=True, capture_output=True)
    for username, agency, role in [("lan.stp", "so-tp", "contributor"),
                                   ("binh.bbt", "so-tttt", "editor"),
                                   ("chinh.bbt", "so-tttt", "chief_editor")]:
        add_user(binary, database, username, agency, role)
    env = dict(os.environ, PORTAL_DATABASE_URL=database, PORTAL_BIND=f"127.0.0.1:{PORT}",
               PORTAL_JOB_INTERVAL_SECS="0", PORTAL_PUBLIC_CACHE_MB="0", RUST_LOG="error",
               PORTAL_DATA_DIR=data_dir, PORTAL_WORKERS="1")
    server = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        contributor, editor, chief = login("lan.stp"), login("binh.bbt"), login("chinh.bbt")
        _, sections = call("GET", "/api/v1/sites/quang-nam/sections?flat=true&limit=100")
        section = next(s["id"] for s in sections["items"] if s["slug"] == "van-ban-quy-pham-phap-luat")
        news = next(s["id"] for s in sections["items"] if s["slug"] == "tin-tuc-su-kien")
        approvals, lists = [], []
        for n in range(ROUNDS):
            _, item = call("POST", "/api/v1/admin/content", contributor,
                           {"section_id": section, "kind": "news", "title": f"Quyết định số {n}",
                            "body": "<p>Nội dung</p>", "author": "Nguyễn Văn A",
                            "source": "Sở Tư pháp"})
            path = f"/api/v1/admin/content/{item['id']}"
            call("POST", path + "/submit", contributor)
            call("POST", path + "/claim", editor)
            _, forwarded = call("POST", path + "/forward", editor)
            approvals.append(measured(lambda: call(
                "POST", path + "/approve", chief, {"version": forwarded["version"]})))
            lists.append(measured(lambda: call(
                "GET", f"/api/v1/content?section={news}&limit=20&page={n % 3 + 1}")))
        return approvals, lists
    finally:
        server.terminate()
        server.wait()


def median(pairs, index):
    return statistics.median(p[index] for p in pairs)


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/portal")
    work = tempfile.mkdtemp()
    rows = []
    try:
        backends = [("sqlite", f"sqlite://{work}/q.db")]
        name = f"portal_queries_{os.getpid()}"
        subprocess.run(["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {name}"], check=True)
        backends.append(("postgres", PG_ADMIN.rsplit("/", 1)[0] + "/" + name))
        try:
            for label, database in backends:
                approvals, lists = run(binary, database, work)
                rows.append((label, "approve", median(approvals, 0), median(approvals, 1)))
                rows.append((label, "public list, cache miss", median(lists, 0), median(lists, 1)))
        finally:
            subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                           check=True)
    finally:
        shutil.rmtree(work)
    print("| backend | request | pool checkouts | SQL statements |")
    print("|---|---|---|---|")
    for label, request, checkouts, queries in rows:
        print(f"| {label} | {request} | {checkouts:g} | {queries:g} |")


if __name__ == "__main__":
    main()
