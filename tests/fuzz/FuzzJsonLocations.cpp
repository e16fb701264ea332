// Fuzz target: the cell parsers of every secret location kind (store/CellExpansion over
// store/JsonScanner): data_source / plugin_setting / alert_notification JSON maps, alertmanager
// `secureSettings`, SSO settings, provisioning resources, and the single-value cells (padded,
// unpadded, either, raw bytes, envelope-only cache_data).
//
// Input: first byte picks the location kind, the rest is the raw cell.
// Invariants besides "no crash / no sanitizer report":
//  * every value's span lies inside the cell;
//  * replacing every value with its own payload reproduces the raw cell byte for byte;
//  * replacing every value with a new payload gives a cell that expands to the same fields, in the
//    same order, with the new payloads (what the operations' write-back check relies on).

#include "FuzzSupport.h"

#include "model/store/CellExpansion.h"
#include "model/store/SecretLocation.h"

#include <QList>

#include <tuple>
#include <utility>

namespace {

using namespace mk::store;

// One location per (container, encoding, envelope-only) combination of the catalog.
const QList<const SecretLocation*>& representatives()
{
    static const QList<const SecretLocation*> reps = [] {
        QList<const SecretLocation*> out;
        for (const SecretLocation& l : secretLocations()) {
            bool seen = false;
            for (const SecretLocation* r : out)
                seen = seen
                       || std::tuple(r->container, r->encoding, r->envelopeOnly)
                              == std::tuple(l.container, l.encoding, l.envelopeOnly);
            if (!seen)
                out.append(&l);
        }
        return out;
    }();
    return reps;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const auto& reps = representatives();
    const SecretLocation& location = *reps.at(data[0] % reps.size());
    const QByteArray raw = mk::fuzz::bytes(data + 1, size - 1);

    const CellExpansion expansion = expandCell(location, raw, false);
    MK_FUZZ_CHECK(!expansion.empty || (expansion.values.isEmpty() && expansion.problems.isEmpty()));
    QList<std::pair<QString, QByteArray>> same;
    QList<std::pair<QString, QByteArray>> changed;
    for (const CellValue& v : expansion.values) {
        MK_FUZZ_CHECK(v.spanStart >= 0 && v.spanLength >= 0 && v.spanStart + v.spanLength <= raw.size());
        MK_FUZZ_CHECK(v.encodingUsed != SecretLocation::Encoding::AnyBase64);
        same.append({v.field, v.payload});
        // Keeps a leading '#' (envelope-only cells) and changes the length.
        changed.append({v.field, v.payload + QByteArray("\x01Z", 2)});
    }
    // A NULL cell is empty whatever its bytes.
    MK_FUZZ_CHECK(expandCell(location, raw, true).empty);

    // Round trip: every value replaced by itself changes nothing.
    MK_FUZZ_CHECK(replaceValues(location, raw, same) == raw);

    // Every value replaced by a new payload: same fields, same order, new payloads.
    if (!expansion.values.isEmpty() && expansion.problems.isEmpty()) {
        const QByteArray rewritten = replaceValues(location, raw, changed);
        const CellExpansion after = expandCell(location, rewritten, false);
        MK_FUZZ_CHECK(after.problems.isEmpty());
        MK_FUZZ_CHECK(after.values.size() == expansion.values.size());
        for (qsizetype i = 0; i < after.values.size(); ++i) {
            MK_FUZZ_CHECK(after.values.at(i).field == changed.at(i).first);
            MK_FUZZ_CHECK(after.values.at(i).payload == changed.at(i).second);
        }
    }
    return 0;
}
