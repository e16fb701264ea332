#!/usr/bin/env bash
# Throw-away PostgreSQL and MariaDB servers for the store tests, on loopback only.
#
#   db-servers.sh start DIR   initialise and start both servers below DIR, write DIR/env
#   db-servers.sh stop DIR    stop both servers and remove DIR
#   db-servers.sh env DIR     print DIR/env (fails if the servers are not running)
#
# DIR/env holds MK_TEST_PG_URL=postgres://mk:mk-test-pw@127.0.0.1:PORT/mk?sslmode=disable and
# MK_TEST_MYSQL_URL=mysql://mk:mk-test-pw@127.0.0.1:PORT/mk. Role/user `mk` may create databases.
# `start` is idempotent: servers that are already running are kept and only env is rewritten.
# As root, PostgreSQL runs as the `postgres` OS user and MariaDB with --user=root.
#
# TLS: both servers also accept TLS (plain connections keep working) with a certificate of a
# throw-away CA made here with the openssl CLI. The certificate names DNS:localhost only, not
# 127.0.0.1, so that a host-name check can be seen failing. DIR/env then also holds
# MK_TEST_TLS_CA=DIR/tls/ca.pem (the CA that signed it) and MK_TEST_TLS_OTHER_CA=DIR/tls/other-ca.pem
# (a second CA that signed nothing: the "wrong CA").
set -euo pipefail

readonly PW='mk-test-pw'
readonly WAIT_SECONDS=90

die() {
    echo "db-servers: $*" >&2
    exit 1
}
log() { echo "db-servers: $*"; }

usage() { die "usage: $0 start|stop|env DIR"; }

[[ $# -eq 2 ]] || usage
CMD=$1
DIR=$2
case "$DIR" in
/*) ;;
*) DIR="$PWD/$DIR" ;;
esac
DIR=${DIR%/}
[[ -n "$DIR" && "$DIR" != "/" ]] || die "refusing to use DIR=/"

IS_ROOT=0
[[ $(id -u) -eq 0 ]] && IS_ROOT=1

# --- helpers ----------------------------------------------------------------------------------

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() { # $1 = preferred port; prints a port nobody listens on
    local p=$1 i
    for ((i = 0; i < 200; i++)); do
        if ! port_in_use "$p"; then
            echo "$p"
            return 0
        fi
        p=$((p + 1))
    done
    die "no free port found from $1 upwards"
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

tail_log() { # $1 = file
    if [[ -f "$1" ]]; then
        echo "---- last lines of $1 ----" >&2
        tail -n 40 "$1" >&2 || true
        echo "----" >&2
    fi
}

# Runs a command as the PostgreSQL OS user (postgres when we are root, else ourselves).
as_pg() {
    if ((IS_ROOT)); then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

find_pg_bin() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
            echo "$d"
            return 0
        fi
    done
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v initdb)"
        return 0
    fi
    return 1
}

find_prog() { # first existing program among the arguments
    local p
    for p in "$@"; do
        if command -v "$p" >/dev/null 2>&1; then
            command -v "$p"
            return 0
        fi
        for d in /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin; do
            [[ -x "$d/$p" ]] && { echo "$d/$p"; return 0; }
        done
    done
    return 1
}

# Unix socket paths are limited to ~107 bytes. Long build paths get a short /tmp folder instead;
# its path is remembered in DIR/<name>.link so that `stop` can remove it.
# Also used, when we are root, for PostgreSQL: the `postgres` OS user cannot enter a build tree
# below a private folder such as /root (mode 700).
short_dir() { # $1 = wanted dir, $2 = name, $3 = 1 to always use /tmp; prints the dir to use
    local want=$1 name=$2 force=${3:-0}
    if ((${#want} <= 80 && !force)); then
        echo "$want"
        return 0
    fi
    local link="$DIR/$name.link"
    if [[ -f "$link" && -d "$(cat "$link")" ]]; then
        cat "$link"
        return 0
    fi
    local t
    t=$(mktemp -d /tmp/mkdb-"$name".XXXXXX)
    echo "$t" >"$link"
    echo "$t"
}

# --- TLS --------------------------------------------------------------------------------------

TLS_DIR="" # set by tls_paths

tls_paths() { TLS_DIR="$DIR/tls"; }

# The files exist and the server certificate is valid for at least another day.
tls_ready() {
    tls_paths
    local f
    for f in ca.pem other-ca.pem server.pem server.key; do
        [[ -s "$TLS_DIR/$f" ]] || return 1
    done
    openssl x509 -checkend 86400 -noout -in "$TLS_DIR/server.pem" >/dev/null 2>&1
}

# Creates DIR/tls once: ca.pem, other-ca.pem, server.pem (DNS:localhost, signed by ca.pem) and
# server.key. The CA keys are deleted right away: nothing else can ever be signed with them.
# A new certificate means the running servers must be restarted: their markers are removed.
tls_make() {
    command -v openssl >/dev/null || die "openssl not found: install package 'openssl'"
    if tls_ready; then
        return 0
    fi
    rm -f "$DIR/pg.tls" "$DIR/mysql.tls"
    local tmp="$DIR/tls.tmp"
    rm -rf "$tmp" "$TLS_DIR"
    mkdir -p "$tmp"
    # (No `set -e` here: it is ignored inside an `if` condition; every step checks itself.)
    if ! (
        cd "$tmp" || exit 1
        umask 077
        for ca in ca other-ca; do
            openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -keyout "$ca.key" -out "$ca.pem" \
                -subj "/O=Mosaicoo tests/CN=Mosaicoo throw-away $ca" \
                -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" ||
                exit 1
        done
        # CN is not a host name either: no client may fall back to it for 127.0.0.1.
        openssl req -new -newkey rsa:2048 -nodes -sha256 -keyout server.key -out server.csr \
            -subj "/O=Mosaicoo tests/CN=Mosaicoo test server" || exit 1
        printf '%s\n' 'subjectAltName=DNS:localhost' 'basicConstraints=critical,CA:FALSE' \
            'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' >server.ext || exit 1
        openssl x509 -req -sha256 -days 30 -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
            -extfile server.ext -out server.pem || exit 1
        openssl verify -CAfile ca.pem server.pem || exit 1
        rm -f ca.key other-ca.key ca.srl server.csr server.ext || exit 1
        chmod 644 ca.pem other-ca.pem server.pem && chmod 600 server.key
    ) >"$DIR/tls.log" 2>&1; then
        cat "$DIR/tls.log" >&2
        rm -rf "$tmp"
        die "creating the test CA and server certificate with openssl failed"
    fi
    mv "$tmp" "$TLS_DIR"
    log "TLS: throw-away CA and server certificate (DNS:localhost) in $TLS_DIR"
}

# --- PostgreSQL -------------------------------------------------------------------------------

PG_BASE="" # holds data/, sock/, log; owned by the PostgreSQL OS user

pg_paths() {
    PG_BASE=$(short_dir "$DIR/pg" pg "$IS_ROOT")
    PG_DATA="$PG_BASE/data"
    PG_SOCK="$PG_BASE/sock"
    PG_LOG="$PG_BASE/server.log"
}

pg_running() {
    pg_paths
    [[ -f "$PG_DATA/postmaster.pid" ]] || return 1
    local pid
    pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)
    pid_alive "$pid" && [[ -f "$DIR/pg.port" && -f "$DIR/pg.tls" ]]
}

pg_start() {
    local bin
    bin=$(find_pg_bin) || die "PostgreSQL server binaries (initdb, pg_ctl) not found: install package 'postgresql' (PostgreSQL 15)"
    command -v psql >/dev/null || [[ -x "$bin/psql" ]] || die "psql not found: install package 'postgresql-client'"
    local psql="$bin/psql"
    [[ -x "$psql" ]] || psql=$(command -v psql)

    if pg_running; then
        log "PostgreSQL already running on port $(cat "$DIR/pg.port")"
        return 0
    fi
    pg_paths
    # Stale leftovers: stop whatever may still hold the data dir, then start from scratch.
    if [[ -d "$PG_DATA" ]]; then
        as_pg "$bin/pg_ctl" stop -D "$PG_DATA" -m immediate >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_BASE"
    mkdir -p "$PG_BASE"
    if ((IS_ROOT)); then
        id postgres >/dev/null 2>&1 || die "OS user 'postgres' missing: install package 'postgresql'"
        chown postgres: "$PG_BASE"
        as_pg test -w "$PG_BASE" || die "user postgres cannot write $PG_BASE (a parent folder is not traversable)"
    fi
    as_pg mkdir -p "$PG_SOCK"
    chmod 755 "$PG_BASE" 2>/dev/null || true
    # The server key must belong to the server's OS user and be private (PostgreSQL checks).
    as_pg mkdir -p "$PG_BASE/tls"
    if ((IS_ROOT)); then
        install -m 600 -o postgres -g postgres "$TLS_DIR/server.key" "$PG_BASE/tls/server.key"
        install -m 644 -o postgres -g postgres "$TLS_DIR/server.pem" "$PG_BASE/tls/server.pem"
    else
        install -m 600 "$TLS_DIR/server.key" "$PG_BASE/tls/server.key"
        install -m 644 "$TLS_DIR/server.pem" "$PG_BASE/tls/server.pem"
    fi

    local pwfile="$PG_BASE/pw"
    as_pg bash -c "umask 077; printf '%s\n' '$PW' > '$pwfile'"
    if ! as_pg "$bin/initdb" -D "$PG_DATA" -U postgres --pwfile="$pwfile" -E UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$DIR/pg-initdb.log" 2>&1; then
        tail_log "$DIR/pg-initdb.log"
        die "initdb failed"
    fi
    rm -f "$pwfile"

    local port attempt
    port=$(free_port "${MK_TEST_PG_PORT:-55432}")
    for attempt in 1 2 3 4 5; do
        local opts="-c listen_addresses=127.0.0.1 -p $port -k $PG_SOCK -c fsync=off"
        opts+=" -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        opts+=" -c shared_buffers=64MB -c unix_socket_permissions=0777"
        # No autovacuum on this throwaway server: DROP DATABASE ... WITH (FORCE) cannot terminate
        # its (superuser) workers, which made dropping a freshly loaded fixture database flaky.
        opts+=" -c autovacuum=off"
        # TLS on; pg_hba's `host` lines match TLS and plain connections alike.
        opts+=" -c ssl=on -c ssl_cert_file=$PG_BASE/tls/server.pem -c ssl_key_file=$PG_BASE/tls/server.key"
        if as_pg "$bin/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -w -t "$WAIT_SECONDS" -o "$opts" \
            </dev/null >"$DIR/pg-ctl.log" 2>&1 9>&-; then
            break
        fi
        if grep -qiE 'could not (bind|create listen)|address already in use' "$PG_LOG" 2>/dev/null &&
            ((attempt < 5)); then
            log "PostgreSQL port $port taken, retrying"
            port=$(free_port $((port + 1)))
            continue
        fi
        cat "$DIR/pg-ctl.log" >&2 || true
        tail_log "$PG_LOG"
        die "PostgreSQL did not start (port $port)"
    done

    # Bounded wait until it accepts TCP connections with password authentication.
    local i ok=0
    for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
        if PGPASSWORD=$PW PGCONNECT_TIMEOUT=3 "$psql" -X -q -h 127.0.0.1 -p "$port" -U postgres \
            -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
            ok=1
            break
        fi
        sleep 0.5
    done
    ((ok)) || { tail_log "$PG_LOG"; die "PostgreSQL does not accept connections on 127.0.0.1:$port"; }

    if ! PGPASSWORD=$PW "$psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        >"$DIR/pg-setup.log" 2>&1 <<SQL; then
SET password_encryption = 'scram-sha-256';
CREATE ROLE mk LOGIN CREATEDB PASSWORD '$PW';
GRANT pg_signal_backend TO mk;
CREATE DATABASE mk OWNER mk ENCODING 'UTF8' TEMPLATE template0;
SQL
        cat "$DIR/pg-setup.log" >&2
        die "creating role/database mk on PostgreSQL failed"
    fi
    echo "$port" >"$DIR/pg.port"
    : >"$DIR/pg.tls"
    log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') listening on 127.0.0.1:$port"
}

pg_stop() {
    pg_paths
    local bin
    bin=$(find_pg_bin) || true
    if [[ -d "$PG_DATA" ]]; then
        if [[ -n "$bin" ]] && as_pg "$bin/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 30 >/dev/null 2>&1; then
            log "PostgreSQL stopped"
        elif [[ -f "$PG_DATA/postmaster.pid" ]]; then
            local pid
            pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)
            if pid_alive "$pid"; then
                kill -TERM "$pid" 2>/dev/null || true
                sleep 2
                pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
            fi
        fi
    fi
    [[ "$PG_BASE" == /tmp/mkdb-pg.* ]] && rm -rf "$PG_BASE"
    return 0
}

# --- MariaDB ----------------------------------------------------------------------------------

my_paths() {
    MY_BASE=$(short_dir "$DIR" my)
    MY_DATA="$DIR/mysql"
    [[ -L "$MY_DATA" ]] && MY_DATA=$(readlink "$MY_DATA")
    MY_SOCK="$MY_BASE/mysql.sock"
    MY_PID="$DIR/mysql.pid"
    MY_LOG="$DIR/mysql.err"
}

my_client() {
    find_prog mariadb mysql || die "MariaDB client not found: install package 'mariadb-client'"
}

my_running() {
    my_paths
    [[ -f "$MY_PID" && -f "$DIR/mysql.port" && -f "$DIR/mysql.tls" ]] || return 1
    pid_alive "$(cat "$MY_PID" 2>/dev/null || true)"
}

my_start() {
    local server install client
    server=$(find_prog mariadbd mysqld) || die "MariaDB server (mariadbd) not found: install package 'mariadb-server'"
    install=$(find_prog mariadb-install-db mysql_install_db) ||
        die "mariadb-install-db not found: install package 'mariadb-server'"
    client=$(my_client)

    if my_running; then
        log "MariaDB already running on port $(cat "$DIR/mysql.port")"
        return 0
    fi
    my_paths
    if [[ -f "$MY_PID" ]]; then
        local old
        old=$(cat "$MY_PID" 2>/dev/null || true)
        pid_alive "$old" && kill -KILL "$old" 2>/dev/null || true
    fi
    rm -rf "$MY_DATA" "$MY_PID" "$MY_SOCK"
    rm -f "$DIR/mysql"
    # MariaDB syncs every DDL statement (~50 ms per CREATE/DROP TABLE on a VM disk); the loader
    # creates ~100 tables per fixture. On tmpfs that is ~13x faster, so the data directory lives
    # in /dev/shm when it has room (MK_DBSERVERS_TMPFS=0 disables); DIR/mysql is then a symlink.
    MY_DATA="$DIR/mysql"
    if [[ "${MK_DBSERVERS_TMPFS:-1}" != 0 && -d /dev/shm && -w /dev/shm ]] &&
        (($(df -Pk /dev/shm 2>/dev/null | awk 'NR==2 {print $4}' || echo 0) > 1048576)); then
        MY_DATA=$(mktemp -d /dev/shm/mkdb-mysql.XXXXXX)
        ln -s "$MY_DATA" "$DIR/mysql"
    fi
    mkdir -p "$MY_DATA"
    local user_opt=()
    ((IS_ROOT)) && user_opt=(--user=root)

    if ! "$install" --no-defaults --datadir="$MY_DATA" "${user_opt[@]}" --auth-root-authentication-method=normal \
        --skip-test-db --skip-name-resolve >"$DIR/mysql-install.log" 2>&1; then
        tail_log "$DIR/mysql-install.log"
        die "mariadb-install-db failed"
    fi

    local port attempt pid=""
    port=$(free_port "${MK_TEST_MYSQL_PORT:-53306}")
    for attempt in 1 2 3 4 5; do
        : >"$MY_LOG"
        # setsid + full redirection: the daemon must not keep ctest's output pipes open.
        setsid "$server" --no-defaults --datadir="$MY_DATA" --socket="$MY_SOCK" --port="$port" \
            --bind-address=127.0.0.1 --skip-networking=0 --pid-file="$MY_PID" --log-error="$MY_LOG" \
            "${user_opt[@]}" --skip-name-resolve --skip-log-bin --character-set-server=utf8mb4 \
            --collation-server=utf8mb4_unicode_ci --innodb-buffer-pool-size=128M \
            --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --innodb-flush-method=nosync --max-allowed-packet=64M \
            --max-connections=100 --skip-performance-schema --tmpdir=/tmp --innodb-log-file-size=32M \
            --ssl-cert="$TLS_DIR/server.pem" --ssl-key="$TLS_DIR/server.key" \
            </dev/null >>"$MY_LOG" 2>&1 9>&- &
        pid=$!
        local i ok=0
        for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
            if ! pid_alive "$pid"; then
                break
            fi
            if "$client" --no-defaults --protocol=TCP -h 127.0.0.1 -P "$port" -uroot \
                --connect-timeout=3 -e 'SELECT 1' >/dev/null 2>&1; then
                ok=1
                break
            fi
            sleep 0.5
        done
        ((ok)) && break
        if ! pid_alive "$pid" && grep -qiE "bind on tcp/ip port|address already in use" "$MY_LOG" &&
            ((attempt < 5)); then
            log "MariaDB port $port taken, retrying"
            port=$(free_port $((port + 1)))
            continue
        fi
        pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
        tail_log "$MY_LOG"
        die "MariaDB did not start or does not accept connections on 127.0.0.1:$port"
    done
    [[ -f "$MY_PID" ]] || echo "$pid" >"$MY_PID"

    if ! "$client" --no-defaults --protocol=SOCKET --socket="$MY_SOCK" -uroot >"$DIR/mysql-setup.log" 2>&1 <<SQL; then
CREATE DATABASE IF NOT EXISTS mk CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'mk'@'127.0.0.1' IDENTIFIED BY '$PW';
CREATE USER IF NOT EXISTS 'mk'@'localhost' IDENTIFIED BY '$PW';
GRANT ALL PRIVILEGES ON *.* TO 'mk'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'mk'@'localhost' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
        cat "$DIR/mysql-setup.log" >&2
        die "creating user/database mk on MariaDB failed"
    fi
    echo "$port" >"$DIR/mysql.port"
    : >"$DIR/mysql.tls"
    log "MariaDB $("$server" --version | awk '{print $3}') listening on 127.0.0.1:$port"
}

my_stop() {
    my_paths
    local pid=""
    [[ -f "$MY_PID" ]] && pid=$(cat "$MY_PID" 2>/dev/null || true)
    if pid_alive "$pid"; then
        local admin
        local client
        # The data is thrown away: skip flushing the buffer pool at shutdown (clean, but fast).
        client=$(find_prog mariadb mysql) &&
            "$client" --no-defaults --protocol=SOCKET --socket="$MY_SOCK" -uroot --connect-timeout=5 \
                -e 'SET GLOBAL innodb_fast_shutdown = 3' >/dev/null 2>&1 || true
        if admin=$(find_prog mariadb-admin mysqladmin) &&
            "$admin" --no-defaults --protocol=SOCKET --socket="$MY_SOCK" -uroot --connect-timeout=5 \
                shutdown >/dev/null 2>&1; then
            :
        else
            kill -TERM "$pid" 2>/dev/null || true
        fi
        local i
        for ((i = 0; i < 60; i++)); do
            pid_alive "$pid" || break
            sleep 0.5
        done
        pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
        log "MariaDB stopped"
    fi
    [[ "$MY_BASE" == /tmp/mkdb-my.* ]] && rm -rf "$MY_BASE"
    [[ "$MY_DATA" == /dev/shm/mkdb-mysql.* ]] && rm -rf "$MY_DATA"
    return 0
}

write_env() {
    local tmp="$DIR/env.tmp"
    {
        echo "MK_TEST_PG_URL=postgres://mk:$PW@127.0.0.1:$(cat "$DIR/pg.port")/mk?sslmode=disable"
        echo "MK_TEST_MYSQL_URL=mysql://mk:$PW@127.0.0.1:$(cat "$DIR/mysql.port")/mk"
        echo "MK_TEST_TLS_CA=$DIR/tls/ca.pem"
        echo "MK_TEST_TLS_OTHER_CA=$DIR/tls/other-ca.pem"
    } >"$tmp"
    mv -f "$tmp" "$DIR/env"
}

# --- commands ---------------------------------------------------------------------------------

case "$CMD" in
start)
    mkdir -p "$DIR"
    chmod 755 "$DIR"
    exec 9>"$DIR/.lock"
    flock -w 300 9 || die "timed out waiting for another db-servers.sh on $DIR"
    tls_make
    pg_start
    my_start
    write_env
    log "env written to $DIR/env"
    cat "$DIR/env"
    ;;
stop)
    if [[ -d "$DIR" ]]; then
        pg_stop
        my_stop
        rm -rf "$DIR"
    fi
    ;;
env)
    tls_paths
    pg_running && my_running || die "servers in $DIR are not running (run: $0 start $DIR)"
    write_env
    cat "$DIR/env"
    ;;
*)
    usage
    ;;
esac
