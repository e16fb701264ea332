// Fuzz target: the go-ini reader (IniFile::parse), the Grafana expanders (ValueExpander) and the
// whole configuration reader (parseConfig) with an empty environment.
//
// Invariants besides "no crash / no sanitizer report": every parsed key can be found again, by
// exact and by other-case name, in its section.

#include "FuzzSupport.h"

#include "model/config/ConfigLoader.h"
#include "model/config/IniFile.h"
#include "model/config/ValueExpander.h"

#include <QProcessEnvironment>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace mk::config;
    const QByteArray text = mk::fuzz::bytes(data, size);
    const QProcessEnvironment noEnv{};

    if (const auto ini = IniFile::parse(text)) {
        for (const IniFile::Section& section : ini->sections()) {
            MK_FUZZ_CHECK(!section.name.isEmpty());
            MK_FUZZ_CHECK(ini->section(section.name) != nullptr);
            for (const IniFile::Entry& entry : section.entries) {
                const auto found = ini->find(section.name, entry.key);
                MK_FUZZ_CHECK(found.has_value());
                (void)ini->find(section.name.toUpper(), entry.key.toLower());
                (void)ini->value(section.name, entry.key);
            }
        }
        IniFile copy = *ini;
        copy.mergeNonEmpty(*ini);
        MK_FUZZ_CHECK(copy.sections().size() == ini->sections().size());
    }

    // Expanders on the raw text as one value (no environment: ${X} expands to nothing).
    const ValueExpander expander(noEnv);
    if (ValueExpander::hasExpansions(text))
        (void)expander.expand(text, QStringLiteral("fuzz.value"));

    (void)parseConfig(text, QString(), noEnv);
    return 0;
}
