#pragma once

// Shared by the secret hygiene tests (tests/unit/hygiene for the CLI, tests/gui/TestGuiHygiene for
// the console): what to search for (every known plaintext and key, in the encodings an output
// could carry them in), where to find the plaintexts and data keys of a database, and the check
// that a process runs without core dumps. Needles are named by kind and index, never by content:
// a failure message must not print the secret it found.

#include "model/Target.h"

#include <QByteArray>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <sys/types.h>

namespace mk::test {

struct Needle
{
    QString name; // kind and index only: never the secret itself
    QByteArray bytes;
};

// The text as it appears inside a JSON string (without the quotes).
QByteArray jsonEscaped(const QByteArray& text);

// Every known secret, each in the forms an output could carry it in.
class NeedleSet
{
public:
    // Raw, JSON-escaped and percent-encoded (when different), unpadded base64.
    void addPlaintext(const QByteArray& plaintext);
    // Raw, percent-encoded (when different), unpadded base64.
    void addSecretKey(const QByteArray& key);
    // Raw, hex, HEX, unpadded base64.
    void addDataKey(const QByteArray& dataKey);

    const QList<Needle>& needles() const { return m_needles; }
    int plaintextCount() const { return int(m_plaintexts.size()); }
    int secretKeyCount() const { return int(m_secretKeys.size()); }
    int dataKeyCount() const { return int(m_dataKeys.size()); }
    bool containsPlaintext(const QByteArray& plaintext) const { return m_plaintexts.contains(plaintext); }

    // Names of the needles found in the haystack, each suffixed with " in <where>".
    QStringList find(const QString& where, const QByteArray& haystack) const;
    QStringList find(const QString& where, const QString& haystack) const
    {
        return find(where, haystack.toUtf8());
    }

private:
    QList<QByteArray> m_plaintexts;
    QList<QByteArray> m_secretKeys;
    QList<QByteArray> m_dataKeys;
    QList<Needle> m_needles;
};

// The plaintexts of model/ops/DemoDatabase.cpp (keep in sync: the CLI hygiene test checks that
// every value of a fresh demo decrypts to one of these or of composedDemoPlaintexts()).
QList<QByteArray> demoPlaintexts();
// Demo plaintexts too generic to search for ("Bearer" token types) and the `secrets` table's JSON
// objects, which are compositions of listed ones.
QList<QByteArray> composedDemoPlaintexts();

// Unwraps every data key of a SQLite database (read-only) with each of the secret keys
// (secretKey.v1 wraps with the payload codec; a wrong key gives garbage nobody prints, harmless).
QList<QByteArray> dataKeysOf(const QString& sqlitePath, const QList<QByteArray>& secretKeys);
// The same for the secrets manager's secret_data_key rows, unwrapped (AES-GCM: only the right KEK
// opens one) with each of the [secrets_manager.encryption.<id>] secret_keys.
QList<QByteArray> gsmDataKeysOf(const QString& sqlitePath, const QList<QByteArray>& keks);

struct DatabasePlaintexts
{
    QList<QByteArray> plaintexts; // every value that decrypted to text of at least minimumLength bytes
    int decrypted = 0;            // values that decrypted
    int tooShort = 0;             // decrypted but shorter than minimumLength (not searched)
    QString error;
};

// Decrypts every value of the database through the engine (model::revealSecret per value, the
// GUI's own path). Flat JSON objects of strings (maps of secure fields) also contribute each
// member. Values shorter than minimumLength bytes ("", "null", "Bearer", ...) are counted, not
// returned: they would match ordinary text.
DatabasePlaintexts plaintextsOf(const model::Target& target, int minimumLength = 8);

// Core dumps and ptrace of a running process, read from the outside (/proc).
struct ProcessHardening
{
    bool seen = false;       // the process was still running when it was read
    QByteArray command;      // /proc/<pid>/comm: the program after exec (15 characters at most)
    long long coreSoft = -1; // RLIMIT_CORE from /proc/<pid>/limits (-1 = unlimited or unread)
    long long coreHard = -1;
    bool coreUnlimitedSoft = false;
    bool coreUnlimitedHard = false;
    uid_t procOwner = 0;     // owner of /proc/<pid>/environ: root when the process is not dumpable
    uid_t processUid = 0;    // the real uid of the process (/proc/<pid>/status)

    bool coreDumpsOff() const { return seen && coreSoft == 0 && coreHard == 0; }
    // Linux makes the /proc files of a non-dumpable process owned by root.
    bool notDumpable() const { return seen && processUid != 0 && procOwner == 0; }
    QString describe() const;
};

ProcessHardening readProcessHardening(qint64 pid);

// Runs in a child between fork and exec (QProcess::setChildProcessModifier): raises the RLIMIT_CORE
// soft limit to the hard limit, so that a program that does nothing keeps a non-zero limit and the
// check can fail, and, when the test runs as root, switches to uid/gid 65534 ("nobody"), so that
// the ownership of /proc/<pid> files shows whether the program made itself non-dumpable (root
// owns every process's files otherwise). Such a child needs a HOME it can write to.
void prepareHardeningProbeChild();

struct ProbeOutcome
{
    bool skip = false; // the machine cannot show the difference (message says why)
    QString message;   // empty: as expected
};

// Starts the program through prepareHardeningProbeChild() (stdin left open), waits until it runs
// its own code, reads it from the outside until it is hardened (core dumps off and not dumpable)
// or, for a control program, for a moment, then kills it. expectHardened = false is the control:
// the probe must see a core limit and a dumpable process, else the check could not fail here
// (skip). Logs what it saw.
ProbeOutcome probeProcessHardening(const QString& program,
                                   const QStringList& arguments,
                                   const QProcessEnvironment& environment,
                                   bool expectHardened);

} // namespace mk::test
