#!/usr/bin/env python3
"""Regenerates the small seed corpora in tests/fuzz/corpus/<target>/ (checked in, < 1 MB).

Sources: ../shared/vectors/grafana-kat.json (payloads only) and ciphertext cells of the SQLite
fixtures in ../shared/fixtures (never a plaintext: cells hold base64 payloads and JSON around
them). Plus hand-written ini files and URLs. Run from anywhere:
    python3 tests/fuzz/make_corpus.py [SHARED_DIR]
Files are named by the SHA-1 of their content; regression inputs (regress-*) are kept.
"""
import base64
import glob
import hashlib
import json
import os
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', '..', 'shared')
CORPUS = os.path.join(HERE, 'corpus')
MAX_CELL = 3000


def reset(target):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if not f.startswith('regress-'):
            os.remove(os.path.join(d, f))
    return d


def put(d, data, limit=None):
    if isinstance(data, str):
        data = data.encode()
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def kat_payloads():
    kat = json.load(open(os.path.join(SHARED, 'vectors', 'grafana-kat.json')))
    out = []
    for group, items in kat['groups'].items():
        for item in items:
            for field in ('payload_hex', 'wrapped_data_key_hex', 'encrypted_data_hex'):
                if item.get(field):
                    out.append(bytes.fromhex(item[field]))
    return out


# Location kinds in the order of FuzzJsonLocations' representatives() (catalog order, one per
# container/encoding/envelope-only combination).
KINDS = [
    ('dashboard_snapshot', 'dashboard_encrypted'),  # 0 Single RawBytes
    ('user_auth', 'o_auth_access_token'),           # 1 Single StdBase64
    ('secrets', 'value'),                           # 2 Single RawBase64
    ('data_source', 'secure_json_data'),            # 3 JsonMap StdBase64
    ('signing_key', 'private_key'),                 # 4 Single AnyBase64
    ('alert_configuration', 'alertmanager_configuration'),  # 5 Alertmanager
    ('sso_setting', 'settings'),                    # 6 SsoSettings
    ('resource', 'value'),                          # 7 Provisioning
    ('cache_data', 'data'),                         # 8 Single RawBytes envelope-only
]
EXTRA = {3: [('plugin_setting', 'secure_json_data'), ('alert_notification', 'secure_settings')],
         5: [('alert_configuration_history', 'alertmanager_configuration')],
         1: [('user_external_session', 'access_token')]}


def fixture_cells():
    cells = {}
    dbs = sorted(glob.glob(os.path.join(SHARED, 'fixtures', '*', '*.db')))
    for db in dbs:
        if 'large-20k' in db:
            continue
        con = sqlite3.connect('file:%s?mode=ro' % db, uri=True)
        for kind, (table, column) in enumerate(KINDS):
            for t, c in [(table, column)] + EXTRA.get(kind, []):
                try:
                    rows = con.execute('SELECT "%s" FROM "%s" WHERE "%s" IS NOT NULL' % (c, t, c)).fetchall()
                except sqlite3.Error:
                    continue
                for (v,) in rows:
                    if v is None:
                        continue
                    raw = v if isinstance(v, bytes) else str(v).encode()
                    if 2 < len(raw) <= MAX_CELL:
                        cells.setdefault(kind, []).append(raw)
        con.close()
    return cells


def main():
    payloads = kat_payloads()
    cells = fixture_cells()

    # codecs: raw payload bytes and their base64 texts, envelopes, single-value cells.
    d = reset('codecs')
    picked = []
    for p in payloads[::3]:
        picked += [p, base64.b64encode(p), base64.b64encode(p).rstrip(b'=')]
    for kind in (1, 2, 4, 8):
        picked += cells.get(kind, [])[:6]
    for p in picked:
        put(d, p)
    for s in [b'', b'*', b'**', b'*YWVzLWdjbQ*', b'#', b'##', b'#YQ#', b'#YQ==#*YWVzLWNmYg*',
              b'YWVzLWNmYh', b'A===', b'AA==', b'=']:
        put(d, s)

    # json_locations: selector byte + cell.
    d = reset('json_locations')
    for kind, raws in sorted(cells.items()):
        seen = set()
        for raw in sorted(raws, key=len):
            shape = raw[:12]
            if shape in seen and len(seen) >= 3:
                continue
            seen.add(shape)
            put(d, bytes([kind]) + raw)
            if len(seen) >= 8:
                break
    hand = {
        3: [b'{}', b'null', b'{"password":"YQ==","x":null,"y":""}', b'{"a":"YQ==","a":"Yg=="}',
            b'{"p\\u0061ss":"Y\\u0051=="}', b'[1,2]'],
        5: [b'{"alertmanager_config":{"receivers":[{"grafana_managed_receiver_configs":'
            b'[{"secureSettings":{"url":"YQ==","token":"Yg=="}}]}]}}',
            b'{"alertmanager_config":{"receivers":[null,{"grafana_managed_receiver_configs":null}]}}'],
        6: [b'{"clientSecret":"YQ","nested":{"private_key":["Yg","Yw"]},"a.b":{"password":"ZA"}}'],
        7: [b'{"spec":{"github":{"encryptedToken":"YQ=="}},"status":{"webhook":{"encryptedSecret":"Yg=="}}}'],
        8: [b'#YQ#*YWVzLWNmYg*salt', b'plain cache entry'],
    }
    for kind, items in hand.items():
        for raw in items:
            put(d, bytes([kind]) + raw)

    # ini: hand-written files exercising the go-ini rules and Grafana's expanders.
    d = reset('ini')
    inis = [
        '[security]\nsecret_key = SW2YcwTIb9zpOOhoPsMm\n',
        '\ufeff; comment\n# comment\ninstance_name = x\n[paths]\ndata = /var/lib/grafana\n'
        '[database]\ntype = sqlite3\npath = grafana.db\n',
        '[database]\ntype = postgres\nhost = 127.0.0.1:5432\nname = grafana\nuser = grafana\n'
        'password = """p#a;s"s"""\nssl_mode = verify-full\nca_cert_path = /etc/ca.pem\n',
        '[database]\nurl = mysql://u:p%40ss@db:3306/grafana?ssl-mode=REQUIRED\n',
        '[security]\nsecret_key = `multi\nline`\nencryption_provider = secretKey.v1\n'
        '[security.encryption]\nalgorithm = aes-gcm\ndata_keys_cache_ttl = 15m\n'
        'data_keys_cache_cleanup_interval = 1m30s\n',
        '[security]\nsecret_key = $__env{GF_KEY}\n[paths]\ndata = ${DATA}/x\nlogs = $__vault{a:b}\n',
        '[security]\nsecret_key = $__file{/nonexistent/key}\n',
        '[security]\nsecret_key = "quoted" ; comment\n[Security]\nSecret_Key = other\n',
        '[a]\nkey = long \\\n  continued \\\n  value\n- = auto1\n- = auto2\n[a.b.c]\nx: y\n',
        '[security.encryption.awskms.v1]\nkey_id = k\naccess_key_id = a\nsecret_access_key = s\n'
        '[security]\nencryption_provider = awskms.v1\navailable_encryption_providers = awskms.v1, secretKey.v1\n',
        '[feature_toggles]\nenable = envelopeEncryption, other\ndisableEnvelopeEncryption = true\n',
        '[unclosed\n', '[]\n', 'novalue\n', '"""key"""= v\n`k2` : v2\n',
    ]
    for text in inis:
        put(d, text)

    # connection_url: --db forms.
    d = reset('connection_url')
    for url in ['sqlite:/var/lib/grafana/grafana.db', 'sqlite:///tmp/g.db', 'file:///tmp/a%20b.db',
                'grafana.db', 'C:\\grafana\\grafana.db',
                'postgres://grafana:s3cr%40t@127.0.0.1:5432/grafana?sslmode=verify-full&sslrootcert=/ca.pem',
                'postgresql://u@[::1]/db', 'mysql://root:pw@localhost/grafana?ssl-mode=REQUIRED',
                'mariadb://h:3306/x?ssl-ca=/ca.pem', 'postgres://h:99999/db', 'postgres:///db',
                'mysql://h/db?foo=bar', 'ftp://x/y']:
        put(d, url)

    total = 0
    for root, _, files in os.walk(CORPUS):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    print('corpus: %d bytes' % total)


if __name__ == '__main__':
    main()
