// A small, deterministic stand-in for a fuzzing engine, linked with every fuzz target so that a
// short smoke run is part of the normal ctest suite (label `fuzz`) with the normal compiler:
//
//   1. every file of the seed corpus (directories are read recursively, in sorted order) is run;
//   2. then deterministic random mutations of corpus entries (bit flips, byte changes, inserted
//      tokens, deletions, truncations, duplications, splices of two entries) with a fixed seed,
//      until the time or run budget is used up.
//
// Usage: <target> [FILE|DIR]... [-seconds=N] [-runs=N] [-seed=N] [-max_len=N]
// Without paths the corpus comes from $MK_FUZZ_CORPUS (':'-separated), the budget from
// $MK_FUZZ_SECONDS. Giving only files (e.g. a crash input from AFL++ or libFuzzer) runs just those.
// Not a coverage-guided engine: long runs use libFuzzer (clang) or AFL++, see tests/fuzz/README.md.

#include <algorithm>
#include <csignal>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);
extern "C" __attribute__((weak)) void __sanitizer_set_death_callback(void (*callback)());

namespace {

using Bytes = std::vector<std::uint8_t>;

// Tokens that matter to at least one of our parsers (payload/envelope markers, base64, JSON, ini,
// expanders, URLs).
const std::vector<std::string_view> kTokens = {
    "*",        "#",         "=",          "==",        "*YWVzLWNmYg*", "*YWVzLWdjbQ*", "**",
    "\"",       "\\",        "\\u",        "\\ud800",   "{",            "}",            "[",
    "]",        ":",         ",",          "null",      "true",         "1e999",        "-0",
    "\n",       "\r\n",      ";",          "\"\"\"",    "`",            "$__env{",      "${",
    "$__file{", "$__vault{", "[security]", "secret_key", "\\\n",        "%",            "%zz",
    "@",        "/",         "?",          "&",         "postgres://",  "mysql://",     "sqlite:",
    "\xef\xbb\xbf", "\xff",  "\x00",       "secureSettings", "receivers", "grafana_managed_receiver_configs",
};

Bytes readFile(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void collect(const std::filesystem::path& path, std::vector<std::filesystem::path>& out)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        std::vector<std::filesystem::path> entries;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
            if (entry.is_regular_file())
                entries.push_back(entry.path());
        }
        std::sort(entries.begin(), entries.end());
        out.insert(out.end(), entries.begin(), entries.end());
    } else if (std::filesystem::is_regular_file(path, ec)) {
        out.push_back(path);
    } else {
        std::fprintf(stderr, "fuzz: no such corpus path: %s\n", path.c_str());
    }
}

std::vector<std::string> splitColon(const char* text)
{
    std::vector<std::string> parts;
    std::string current;
    for (const char* p = text; *p; ++p) {
        if (*p == ':') {
            if (!current.empty())
                parts.push_back(current);
            current.clear();
        } else {
            current += *p;
        }
    }
    if (!current.empty())
        parts.push_back(current);
    return parts;
}

class Mutator
{
public:
    explicit Mutator(std::uint64_t seed)
        : m_rng(seed)
    {
    }

    std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(m_rng() % n); }

    Bytes mutate(const std::vector<Bytes>& corpus, std::size_t maxLen)
    {
        Bytes data = corpus.empty() ? Bytes{} : corpus[below(corpus.size())];
        const std::size_t rounds = 1 + below(below(8) + 1);
        for (std::size_t r = 0; r < rounds; ++r)
            mutateOnce(data, corpus);
        if (data.size() > maxLen)
            data.resize(maxLen);
        return data;
    }

private:
    void mutateOnce(Bytes& data, const std::vector<Bytes>& corpus)
    {
        static const std::uint8_t interesting[] = {0, 1, 0x7f, 0x80, 0xff, '*', '#', '=', '"',
                                                   '\\', '{', '}', '[', ']', '\n', ' ', '$', '%'};
        switch (below(10)) {
        case 0: // bit flip
            if (!data.empty())
                data[below(data.size())] ^= static_cast<std::uint8_t>(1u << below(8));
            break;
        case 1: // interesting byte
            if (!data.empty())
                data[below(data.size())] = interesting[below(sizeof interesting)];
            break;
        case 2: // random byte
            if (!data.empty())
                data[below(data.size())] = static_cast<std::uint8_t>(m_rng());
            break;
        case 3: { // insert a token
            const std::string_view token = kTokens[below(kTokens.size())];
            const std::size_t at = below(data.size() + 1);
            data.insert(data.begin() + static_cast<std::ptrdiff_t>(at), token.begin(), token.end());
            break;
        }
        case 4: { // delete a range
            if (data.empty())
                break;
            const std::size_t at = below(data.size());
            const std::size_t len = 1 + below(std::min<std::size_t>(data.size() - at, 16));
            data.erase(data.begin() + static_cast<std::ptrdiff_t>(at),
                       data.begin() + static_cast<std::ptrdiff_t>(at + len));
            break;
        }
        case 5: // truncate
            data.resize(below(data.size() + 1));
            break;
        case 6: { // duplicate a range
            if (data.empty())
                break;
            const std::size_t at = below(data.size());
            const std::size_t len = 1 + below(std::min<std::size_t>(data.size() - at, 64));
            const Bytes piece(data.begin() + static_cast<std::ptrdiff_t>(at),
                              data.begin() + static_cast<std::ptrdiff_t>(at + len));
            const std::size_t to = below(data.size() + 1);
            data.insert(data.begin() + static_cast<std::ptrdiff_t>(to), piece.begin(), piece.end());
            break;
        }
        case 7: { // splice: head of this entry, tail of another
            if (corpus.empty())
                break;
            const Bytes& other = corpus[below(corpus.size())];
            const std::size_t cut = below(data.size() + 1);
            const std::size_t from = below(other.size() + 1);
            data.resize(cut);
            data.insert(data.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
            break;
        }
        case 8: // increment / decrement a byte (digits, lengths)
            if (!data.empty()) {
                std::uint8_t& b = data[below(data.size())];
                b = static_cast<std::uint8_t>(below(2) ? b + 1 : b - 1);
            }
            break;
        default: { // overwrite with a copy of another position
            if (data.size() < 2)
                break;
            const std::size_t a = below(data.size());
            const std::size_t b = below(data.size());
            data[a] = data[b];
            break;
        }
        }
    }

    std::mt19937_64 m_rng;
};

// The input being run, written to ./fuzz-crash-input on a crash, an abort or a sanitizer report so
// that it can be replayed (`<target> fuzz-crash-input`) and added to the corpus.
const std::uint8_t* g_current = nullptr;
std::size_t g_currentSize = 0;

void dumpCurrentInput()
{
    if (!g_current)
        return;
    const int fd = ::open("fuzz-crash-input", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return;
    std::size_t done = 0;
    while (done < g_currentSize) {
        const ssize_t n = ::write(fd, g_current + done, g_currentSize - done);
        if (n <= 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    static const char note[] = "fuzz: crashing input written to ./fuzz-crash-input\n";
    [[maybe_unused]] const ssize_t ignored = ::write(2, note, sizeof note - 1);
    g_current = nullptr;
}

extern "C" void onFatalSignal(int sig)
{
    dumpCurrentInput();
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

int runOne(const Bytes& data)
{
    g_current = data.data();
    g_currentSize = data.size();
    const int rc = LLVMFuzzerTestOneInput(data.data(), data.size());
    g_current = nullptr;
    return rc;
}

long argValue(const char* arg, const char* name, long fallback)
{
    const std::size_t n = std::strlen(name);
    if (std::strncmp(arg, name, n) == 0)
        return std::strtol(arg + n, nullptr, 10);
    return fallback;
}

} // namespace

int main(int argc, char** argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (const int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL})
        std::signal(sig, onFatalSignal);
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(dumpCurrentInput);

    double seconds = 10;
    long maxRuns = -1;
    std::uint64_t seed = 20240601;
    std::size_t maxLen = 16384;
    if (const char* env = std::getenv("MK_FUZZ_SECONDS"))
        seconds = std::strtod(env, nullptr);

    std::vector<std::filesystem::path> files;
    bool onlyFiles = true;
    bool anyPath = false;
    for (int i = 1; i < argc; ++i) {
        const char* arg = argv[i];
        if (arg[0] == '-') {
            seconds = static_cast<double>(argValue(arg, "-seconds=", static_cast<long>(seconds)));
            maxRuns = argValue(arg, "-runs=", maxRuns);
            seed = static_cast<std::uint64_t>(argValue(arg, "-seed=", static_cast<long>(seed)));
            maxLen = static_cast<std::size_t>(argValue(arg, "-max_len=", static_cast<long>(maxLen)));
            continue;
        }
        anyPath = true;
        std::error_code ec;
        if (std::filesystem::is_directory(arg, ec))
            onlyFiles = false;
        collect(arg, files);
    }
    if (!anyPath) {
        onlyFiles = false;
        if (const char* env = std::getenv("MK_FUZZ_CORPUS")) {
            for (const std::string& dir : splitColon(env))
                collect(dir, files);
        }
    }

    std::vector<Bytes> corpus;
    for (const auto& file : files) {
        Bytes data = readFile(file);
        if (onlyFiles)
            std::fprintf(stderr, "fuzz: running %s (%zu bytes)\n", file.c_str(), data.size());
        runOne(data);
        corpus.push_back(std::move(data));
    }
    std::fprintf(stderr, "fuzz: %zu corpus inputs ran\n", corpus.size());
    if (onlyFiles)
        return 0;
    if (corpus.empty()) {
        std::fprintf(stderr, "fuzz: empty corpus\n");
        return 1;
    }

    Mutator mutator(seed);
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::duration<double>(seconds);
    long runs = 0;
    while (maxRuns < 0 || runs < maxRuns) {
        if ((runs & 63) == 0 && std::chrono::steady_clock::now() >= deadline)
            break;
        const Bytes data = mutator.mutate(corpus, maxLen);
        runOne(data);
        ++runs;
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "fuzz: %ld mutated inputs in %.1f s (seed %llu), no crash\n", runs, elapsed,
                 static_cast<unsigned long long>(seed));
    return 0;
}
