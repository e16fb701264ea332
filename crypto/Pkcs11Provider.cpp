#include "crypto/Pkcs11Provider.h"

#include "crypto/DataKey.h"

#include <QByteArray>
#include <QFileInfo>

#include <dlfcn.h>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

// The GNU flavour of p11-kit's OASIS header: lower-case struct names and no compatibility macros
// (the compatibility flavour #defines common words such as `value` and `count`).
#define CRYPTOKI_GNU 1
#include <p11-kit-1/p11-kit/pkcs11.h>

namespace mk::crypto {

namespace {

constexpr char kMagic[] = {'M', 'K', 'P', '1'};
constexpr unsigned char kVersion = 1;
constexpr qsizetype kHeaderSize = 5;
constexpr qsizetype kIvSize = 12;
constexpr qsizetype kTagSize = 16;
constexpr qsizetype kCiphertextSize = kDataKeySize + kTagSize;
static_assert(kHeaderSize + kIvSize + kCiphertextSize == Pkcs11Provider::kBlobSize);
constexpr qsizetype kAesKeySize = 32;
constexpr unsigned char kCkTrue = 1;
constexpr unsigned char kCkFalse = 0;

QByteArray blobHeader()
{
    QByteArray header(kMagic, sizeof kMagic);
    header.append(static_cast<char>(kVersion));
    return header;
}

QString rvName(ck_rv_t rv)
{
    switch (rv) {
    case CKR_OK:
        return QStringLiteral("CKR_OK");
    case CKR_GENERAL_ERROR:
        return QStringLiteral("CKR_GENERAL_ERROR");
    case CKR_FUNCTION_FAILED:
        return QStringLiteral("CKR_FUNCTION_FAILED");
    case CKR_ARGUMENTS_BAD:
        return QStringLiteral("CKR_ARGUMENTS_BAD");
    case CKR_DEVICE_ERROR:
        return QStringLiteral("CKR_DEVICE_ERROR");
    case CKR_DEVICE_MEMORY:
        return QStringLiteral("CKR_DEVICE_MEMORY");
    case CKR_DEVICE_REMOVED:
        return QStringLiteral("CKR_DEVICE_REMOVED");
    case CKR_ENCRYPTED_DATA_INVALID:
        return QStringLiteral("CKR_ENCRYPTED_DATA_INVALID");
    case CKR_ENCRYPTED_DATA_LEN_RANGE:
        return QStringLiteral("CKR_ENCRYPTED_DATA_LEN_RANGE");
    case CKR_KEY_HANDLE_INVALID:
        return QStringLiteral("CKR_KEY_HANDLE_INVALID");
    case CKR_KEY_FUNCTION_NOT_PERMITTED:
        return QStringLiteral("CKR_KEY_FUNCTION_NOT_PERMITTED");
    case CKR_KEY_TYPE_INCONSISTENT:
        return QStringLiteral("CKR_KEY_TYPE_INCONSISTENT");
    case CKR_MECHANISM_INVALID:
        return QStringLiteral("CKR_MECHANISM_INVALID");
    case CKR_MECHANISM_PARAM_INVALID:
        return QStringLiteral("CKR_MECHANISM_PARAM_INVALID");
    case CKR_OBJECT_HANDLE_INVALID:
        return QStringLiteral("CKR_OBJECT_HANDLE_INVALID");
    case CKR_OPERATION_ACTIVE:
        return QStringLiteral("CKR_OPERATION_ACTIVE");
    case CKR_PIN_INCORRECT:
        return QStringLiteral("CKR_PIN_INCORRECT");
    case CKR_PIN_INVALID:
        return QStringLiteral("CKR_PIN_INVALID");
    case CKR_PIN_LEN_RANGE:
        return QStringLiteral("CKR_PIN_LEN_RANGE");
    case CKR_PIN_EXPIRED:
        return QStringLiteral("CKR_PIN_EXPIRED");
    case CKR_PIN_LOCKED:
        return QStringLiteral("CKR_PIN_LOCKED");
    case CKR_SESSION_CLOSED:
        return QStringLiteral("CKR_SESSION_CLOSED");
    case CKR_SESSION_HANDLE_INVALID:
        return QStringLiteral("CKR_SESSION_HANDLE_INVALID");
    case CKR_SESSION_READ_ONLY:
        return QStringLiteral("CKR_SESSION_READ_ONLY");
    case CKR_TOKEN_NOT_PRESENT:
        return QStringLiteral("CKR_TOKEN_NOT_PRESENT");
    case CKR_TOKEN_NOT_RECOGNIZED:
        return QStringLiteral("CKR_TOKEN_NOT_RECOGNIZED");
    case CKR_TOKEN_WRITE_PROTECTED:
        return QStringLiteral("CKR_TOKEN_WRITE_PROTECTED");
    case CKR_USER_NOT_LOGGED_IN:
        return QStringLiteral("CKR_USER_NOT_LOGGED_IN");
    case CKR_USER_PIN_NOT_INITIALIZED:
        return QStringLiteral("CKR_USER_PIN_NOT_INITIALIZED");
    case CKR_USER_ALREADY_LOGGED_IN:
        return QStringLiteral("CKR_USER_ALREADY_LOGGED_IN");
    case CKR_BUFFER_TOO_SMALL:
        return QStringLiteral("CKR_BUFFER_TOO_SMALL");
    case CKR_CRYPTOKI_NOT_INITIALIZED:
        return QStringLiteral("CKR_CRYPTOKI_NOT_INITIALIZED");
    case CKR_CRYPTOKI_ALREADY_INITIALIZED:
        return QStringLiteral("CKR_CRYPTOKI_ALREADY_INITIALIZED");
    default:
        return QStringLiteral("CKR 0x%1").arg(static_cast<qulonglong>(rv), 0, 16);
    }
}

// The token or the session went away: worth one reconnect.
bool isSessionLoss(ck_rv_t rv)
{
    switch (rv) {
    case CKR_SESSION_HANDLE_INVALID:
    case CKR_SESSION_CLOSED:
    case CKR_DEVICE_REMOVED:
    case CKR_DEVICE_ERROR:
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_TOKEN_NOT_RECOGNIZED:
    case CKR_USER_NOT_LOGGED_IN:
    case CKR_OBJECT_HANDLE_INVALID:
    case CKR_KEY_HANDLE_INVALID:
    case CKR_CRYPTOKI_NOT_INITIALIZED:
        return true;
    default:
        return false;
    }
}

unsigned char* bytes(const char* data)
{
    // PKCS#11 takes non-const input buffers; no module writes to them.
    return reinterpret_cast<unsigned char*>(const_cast<char*>(data));
}

// ---- modules ------------------------------------------------------------------------------------

struct Module
{
    QString path; // canonical
    void* handle = nullptr;
    ck_function_list* fn = nullptr;
};

// Modules stay loaded and initialised for the life of the process: C_Finalize would invalidate
// the sessions of every other provider on the same module, and some modules do not survive
// C_Finalize + C_Initialize in one process. Failures are not cached (a fixed module path works on
// the next attempt).
Result<const Module*> loadModule(const Pkcs11Settings& s)
{
    static std::mutex mutex;
    static auto* modules = new std::map<QString, Module>; // intentionally never destroyed

    if (s.modulePath.isEmpty())
        return failProvider(ProviderFault::Module,
            QStringLiteral("%1: no PKCS#11 `module` configured").arg(s.providerId));
    const QFileInfo info(s.modulePath);
    if (!info.exists())
        return failProvider(ProviderFault::Module,
            QStringLiteral("%1: PKCS#11 module %2 does not exist").arg(s.providerId, s.modulePath));
    const QString canonical = info.canonicalFilePath();

    const std::lock_guard lock(mutex);
    if (const auto it = modules->find(canonical); it != modules->end())
        return &it->second;

    void* handle = dlopen(canonical.toLocal8Bit().constData(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = dlerror();
        return failProvider(ProviderFault::Module,
            QStringLiteral("%1: cannot load PKCS#11 module %2: %3")
                .arg(s.providerId, s.modulePath,
                    QString::fromLocal8Bit(why ? why : "dlopen failed")));
    }
    using GetFunctionList = ck_rv_t (*)(ck_function_list**);
    const auto getFunctionList
        = reinterpret_cast<GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
    ck_function_list* fn = nullptr;
    const ck_rv_t listRv = getFunctionList ? getFunctionList(&fn) : CKR_FUNCTION_FAILED;
    if (!getFunctionList || listRv != CKR_OK || !fn) {
        dlclose(handle);
        return failProvider(ProviderFault::Module,
            QStringLiteral("%1: %2 is not a PKCS#11 module (C_GetFunctionList %3)")
                .arg(s.providerId, s.modulePath,
                    getFunctionList ? rvName(listRv) : QStringLiteral("missing")));
    }
    ck_c_initialize_args args {};
    args.flags = CKF_OS_LOCKING_OK;
    const ck_rv_t rv = fn->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        dlclose(handle);
        return failProvider(ProviderFault::Module,
            QStringLiteral("%1: PKCS#11 module %2 failed to initialise: %3")
                .arg(s.providerId, s.modulePath, rvName(rv)));
    }
    Module& module = (*modules)[canonical];
    module.path = canonical;
    module.handle = handle;
    module.fn = fn;
    return &module;
}

// ---- token, session, login, key
// -------------------------------------------------------------------

QString where(const Pkcs11Settings& s)
{
    const QString token = s.tokenLabel.isEmpty()
        ? QStringLiteral("slot #%1").arg(s.slotIndex.value_or(0))
        : QStringLiteral("token '%1'").arg(s.tokenLabel);
    return QStringLiteral("%1 (module %2, %3, key '%4')")
        .arg(s.providerId, s.modulePath, token, s.keyLabel);
}

std::unexpected<Error> unavailable(
    const Pkcs11Settings& s, ProviderFault fault, const QString& what, ck_rv_t rv = CKR_OK)
{
    QString detail = QStringLiteral("%1: %2").arg(where(s), what);
    if (rv != CKR_OK)
        detail += QStringLiteral(" (%1)").arg(rvName(rv));
    return failProvider(fault, detail);
}

QString trimmedLabel(const unsigned char (&label)[32])
{
    QByteArray text(reinterpret_cast<const char*>(label), sizeof label);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\0'))
        text.chop(1);
    return QString::fromUtf8(text);
}

struct Slot
{
    ck_slot_id_t id = 0;
    ck_flags_t tokenFlags = 0;
};

Result<Slot> findSlot(const Module& m, const Pkcs11Settings& s)
{
    std::vector<ck_slot_id_t> slotIds;
    for (int attempt = 0; attempt < 3; ++attempt) {
        unsigned long n = 0;
        ck_rv_t rv = m.fn->C_GetSlotList(kCkTrue, nullptr, &n);
        if (rv != CKR_OK)
            return unavailable(s, ProviderFault::Device, QStringLiteral("cannot list the slotIds"), rv);
        slotIds.resize(n);
        rv = m.fn->C_GetSlotList(kCkTrue, slotIds.data(), &n);
        if (rv == CKR_BUFFER_TOO_SMALL)
            continue;
        if (rv != CKR_OK)
            return unavailable(s, ProviderFault::Device, QStringLiteral("cannot list the slotIds"), rv);
        slotIds.resize(n);
        break;
    }
    QStringList seen;
    for (std::size_t i = 0; i < slotIds.size(); ++i) {
        ck_token_info token {};
        if (m.fn->C_GetTokenInfo(slotIds[i], &token) != CKR_OK)
            continue;
        const QString label = trimmedLabel(token.label);
        seen << QStringLiteral("'%1'").arg(label);
        const bool match = s.tokenLabel.isEmpty() ? std::cmp_equal(i, s.slotIndex.value_or(-1))
                                                  : label == s.tokenLabel;
        if (match)
            return Slot {slotIds[i], token.flags};
    }
    const QString present = seen.isEmpty()
        ? QStringLiteral("no token is present")
        : QStringLiteral("present: %1").arg(seen.join(QStringLiteral(", ")));
    return unavailable(s, ProviderFault::Token,
        s.tokenLabel.isEmpty()
            ? QStringLiteral("no token in slot #%1; %2").arg(s.slotIndex.value_or(-1)).arg(present)
            : QStringLiteral("token not found; %1").arg(present));
}

Result<void> login(
    const Module& m, const Pkcs11Settings& s, const Slot& slot, ck_session_handle_t session)
{
    ck_rv_t rv = CKR_OK;
    if (s.pin.isEmpty()) {
        if (!(slot.tokenFlags & CKF_LOGIN_REQUIRED))
            return {};
        if (!(slot.tokenFlags & CKF_PROTECTED_AUTHENTICATION_PATH))
            return unavailable(
                s, ProviderFault::Login, QStringLiteral("the token requires a user PIN and no `pin` is configured"));
        rv = m.fn->C_Login(session, CKU_USER, nullptr, 0);
    } else {
        rv = m.fn->C_Login(
            session, CKU_USER, bytes(s.pin.data()), static_cast<unsigned long>(s.pin.size()));
    }
    switch (rv) {
    case CKR_OK:
    case CKR_USER_ALREADY_LOGGED_IN: // login state is shared by all sessions of this process
        return {};
    case CKR_PIN_INCORRECT:
        return unavailable(s, ProviderFault::Login, QStringLiteral("wrong PIN (the configured `pin` was rejected)"), rv);
    case CKR_PIN_LOCKED:
        return unavailable(s, ProviderFault::Login, QStringLiteral("the user PIN is locked"), rv);
    case CKR_PIN_EXPIRED:
        return unavailable(s, ProviderFault::Login, QStringLiteral("the user PIN has expired"), rv);
    case CKR_PIN_INVALID:
    case CKR_PIN_LEN_RANGE:
        return unavailable(
            s, ProviderFault::Login, QStringLiteral("the configured `pin` is not a valid PIN for this token"), rv);
    case CKR_USER_PIN_NOT_INITIALIZED:
        return unavailable(s, ProviderFault::Login, QStringLiteral("the token has no user PIN yet (initialise it)"), rv);
    default:
        return unavailable(s, ProviderFault::Login, QStringLiteral("login failed"), rv);
    }
}

Result<ck_session_handle_t> openSession(
    const Module& m, const Pkcs11Settings& s, const Slot& slot, bool readWrite)
{
    ck_session_handle_t session = 0;
    const ck_flags_t flags = CKF_SERIAL_SESSION | (readWrite ? CKF_RW_SESSION : 0);
    const ck_rv_t rv = m.fn->C_OpenSession(slot.id, flags, nullptr, nullptr, &session);
    if (rv != CKR_OK)
        return unavailable(s, ProviderFault::Device, QStringLiteral("cannot open a session"), rv);
    if (auto ok = login(m, s, slot, session); !ok) {
        m.fn->C_CloseSession(session);
        return std::unexpected(ok.error());
    }
    return session;
}

// Secret keys labelled `label` (at most two, to detect ambiguity).
Result<std::vector<ck_object_handle_t>> findKeys(
    const Module& m, const Pkcs11Settings& s, ck_session_handle_t session, const QString& label)
{
    ck_object_class_t klass = CKO_SECRET_KEY;
    QByteArray labelBytes = label.toUtf8();
    ck_attribute query[] = {
        {CKA_CLASS, &klass, sizeof klass},
        {CKA_LABEL, labelBytes.data(), static_cast<unsigned long>(labelBytes.size())},
    };
    ck_rv_t rv = m.fn->C_FindObjectsInit(session, query, std::size(query));
    if (rv != CKR_OK)
        return unavailable(s, ProviderFault::Device, QStringLiteral("cannot search the token for the key"), rv);
    std::vector<ck_object_handle_t> found(2);
    unsigned long n = 0;
    rv = m.fn->C_FindObjects(session, found.data(), found.size(), &n);
    m.fn->C_FindObjectsFinal(session);
    if (rv != CKR_OK)
        return unavailable(s, ProviderFault::Device, QStringLiteral("cannot search the token for the key"), rv);
    found.resize(n);
    return found;
}

std::optional<unsigned long> ulongAttribute(const Module& m,
    ck_session_handle_t session,
    ck_object_handle_t object,
    ck_attribute_type_t type)
{
    unsigned long number = 0;
    ck_attribute attribute {type, &number, sizeof number};
    if (m.fn->C_GetAttributeValue(session, object, &attribute, 1) != CKR_OK
        || attribute.value_len != sizeof number)
        return std::nullopt;
    return number;
}

std::optional<bool> boolAttribute(const Module& m,
    ck_session_handle_t session,
    ck_object_handle_t object,
    ck_attribute_type_t type)
{
    unsigned char flag = 0;
    ck_attribute attribute {type, &flag, sizeof flag};
    if (m.fn->C_GetAttributeValue(session, object, &attribute, 1) != CKR_OK
        || attribute.value_len != sizeof flag)
        return std::nullopt;
    return flag != 0;
}

// The key must be a non-extractable AES-256 key allowed to encrypt and decrypt.
// Attributes a token does not report are not held against it.
Result<ck_object_handle_t> findUsableKey(
    const Module& m, const Pkcs11Settings& s, ck_session_handle_t session)
{
    auto keys = findKeys(m, s, session, s.keyLabel);
    if (!keys)
        return std::unexpected(keys.error());
    if (keys->empty())
        return unavailable(s, ProviderFault::KeyMissing,
            QStringLiteral("no secret key with this label in the token "
                           "(create it, e.g. with the console's \"create the key\")"));
    if (keys->size() > 1)
        return unavailable(
            s, ProviderFault::KeyUnusable, QStringLiteral("several secret keys carry this label; labels must be unique"));
    const ck_object_handle_t key = keys->front();
    if (const auto type = ulongAttribute(m, session, key, CKA_KEY_TYPE); type && *type != CKK_AES)
        return unavailable(s, ProviderFault::KeyUnusable, QStringLiteral("the key is not an AES key"));
    if (const auto length = ulongAttribute(m, session, key, CKA_VALUE_LEN);
        length && std::cmp_not_equal(*length, kAesKeySize))
        return unavailable(
            s, ProviderFault::KeyUnusable, QStringLiteral("the key is AES-%1, AES-256 is required").arg(*length * 8));
    if (const auto extractable = boolAttribute(m, session, key, CKA_EXTRACTABLE);
        extractable && *extractable)
        return unavailable(
            s, ProviderFault::KeyUnusable, QStringLiteral("the key is extractable; a KEK must have CKA_EXTRACTABLE=false"));
    // CKA_SENSITIVE is not required: a non-extractable key's value never leaves the token
    // (pkcs11-tool --keygen makes such keys with CKA_SENSITIVE=false unless told otherwise).
    if (const auto enc = boolAttribute(m, session, key, CKA_ENCRYPT); enc && !*enc)
        return unavailable(s, ProviderFault::KeyUnusable, QStringLiteral("the key may not encrypt (CKA_ENCRYPT=false)"));
    if (const auto dec = boolAttribute(m, session, key, CKA_DECRYPT); dec && !*dec)
        return unavailable(s, ProviderFault::KeyUnusable, QStringLiteral("the key may not decrypt (CKA_DECRYPT=false)"));
    return key;
}

} // namespace

// ---- settings
// ----------------------------------------------------------------------------------------

Result<Pkcs11Settings> Pkcs11Settings::fromSection(
    const QString& providerId, const QMap<QString, QString>& values)
{
    const QString section = QStringLiteral("[security.encryption.%1]").arg(providerId);
    auto get = [&](const char* key) {
        for (auto it = values.cbegin(); it != values.cend(); ++it)
            if (it.key().compare(QLatin1String(key), Qt::CaseInsensitive) == 0)
                return it.value().trimmed();
        return QString();
    };
    Pkcs11Settings s;
    s.providerId = providerId;
    s.modulePath = get("module");
    s.tokenLabel = get("token_label");
    s.keyLabel = get("key_label");
    s.pin = SecretBytes::fromUtf8(get("pin"));
    const QString slot = get("slot");
    if (!slot.isEmpty()) {
        bool ok = false;
        const int index = slot.toInt(&ok);
        if (!ok || index < 0)
            return failProvider(ProviderFault::Config,
                QStringLiteral("%1: `slot` must be a slot index (0, 1, ...)").arg(section));
        s.slotIndex = index;
    }
    if (providerKind(providerId) != kPkcs11ProviderKind || !providerId.contains(QLatin1Char('.')))
        return failProvider(ProviderFault::Config,
            QStringLiteral("%1 is not a pkcs11.<name> provider id").arg(providerId));
    if (s.modulePath.isEmpty())
        return failProvider(
            ProviderFault::Config, QStringLiteral("%1: `module` is missing").arg(section));
    if (s.keyLabel.isEmpty())
        return failProvider(ProviderFault::Config,
            QStringLiteral("%1: `key_label` is missing").arg(section));
    if (s.tokenLabel.isEmpty() && !s.slotIndex)
        return failProvider(ProviderFault::Config,
            QStringLiteral("%1: set `token_label` (or `slot`)").arg(section));
    return s;
}

Pkcs11Settings Pkcs11Settings::clone() const
{
    Pkcs11Settings copy;
    copy.providerId = providerId;
    copy.modulePath = modulePath;
    copy.tokenLabel = tokenLabel;
    copy.slotIndex = slotIndex;
    copy.pin = pin.clone();
    copy.keyLabel = keyLabel;
    return copy;
}

// ---- provider
// ----------------------------------------------------------------------------------------

struct Pkcs11Provider::Impl
{
    Pkcs11Settings settings;
    std::mutex mutex; // guards everything below: one PKCS#11 session, used by one thread at a time
    const Module* module = nullptr;
    bool connected = false;
    ck_session_handle_t session = 0;
    ck_object_handle_t key = 0;
    std::optional<Error> latched; // a connect failure: the provider stays unavailable

    void disconnect()
    {
        if (connected)
            module->fn->C_CloseSession(session); // may fail when the token is gone: nothing to do
        connected = false;
    }

    Result<void> connect()
    {
        disconnect();
        auto loaded = loadModule(settings);
        if (!loaded)
            return std::unexpected(loaded.error());
        module = *loaded;
        auto slot = findSlot(*module, settings);
        if (!slot)
            return std::unexpected(slot.error());
        auto opened = openSession(*module, settings, *slot, false);
        if (!opened)
            return std::unexpected(opened.error());
        session = *opened;
        connected = true;
        auto found = findUsableKey(*module, settings, session);
        if (!found) {
            disconnect();
            return std::unexpected(found.error());
        }
        key = *found;
        return {};
    }

    Result<void> ensureConnected(bool reconnect)
    {
        if (latched)
            return std::unexpected(*latched);
        if (connected && !reconnect)
            return {};
        if (auto ok = connect(); !ok) {
            latched = ok.error();
            return ok;
        }
        return {};
    }

    // Runs `op` (PKCS#11 calls on `session` / `key`, returning the last return value) with the
    // mutex held; a lost session is reconnected and `op` retried once.
    template<typename Op> Result<ck_rv_t> run(Op op)
    {
        const std::lock_guard lock(mutex);
        if (auto ok = ensureConnected(false); !ok)
            return std::unexpected(ok.error());
        ck_rv_t rv = op();
        if (!isSessionLoss(rv))
            return rv;
        if (auto ok = ensureConnected(true); !ok)
            return std::unexpected(ok.error());
        rv = op();
        if (isSessionLoss(rv)) {
            disconnect();
            return unavailable(settings, ProviderFault::Device,
                QStringLiteral("the session was lost again right after reconnecting"), rv);
        }
        return rv;
    }
};

Pkcs11Provider::Pkcs11Provider(Pkcs11Settings settings)
    : d(std::make_unique<Impl>())
{
    d->settings = std::move(settings);
}

Pkcs11Provider::~Pkcs11Provider()
{
    const std::lock_guard lock(d->mutex);
    d->disconnect();
}

QString Pkcs11Provider::id() const
{
    return d->settings.providerId;
}

QString Pkcs11Provider::describe() const
{
    return QStringLiteral("PKCS#11 ") + where(d->settings);
}

QStringList Pkcs11Provider::warnings() const
{
    std::optional<bool> isPrivate;
    auto rv = d->run([&] {
        isPrivate = boolAttribute(*d->module, d->session, d->key, CKA_PRIVATE);
        return ck_rv_t(CKR_OK);
    });
    QStringList list;
    if (rv && isPrivate && !*isPrivate)
        list << QStringLiteral("%1: the key is a public token object (CKA_PRIVATE=false): any program that can "
                               "open the token can use it to unwrap the data keys without the PIN. Create "
                               "it as a private object (pkcs11-tool --keygen ... --private, or the console's "
                               "\"create the key\").")
                    .arg(where(d->settings));
    return list;
}

Result<void> Pkcs11Provider::health() const
{
    auto rv = d->run([&] {
        ck_session_info info {};
        ck_rv_t r = d->module->fn->C_GetSessionInfo(d->session, &info);
        if (r != CKR_OK)
            return r;
        unsigned long type = 0;
        ck_attribute attribute {CKA_KEY_TYPE, &type, sizeof type};
        return d->module->fn->C_GetAttributeValue(d->session, d->key, &attribute, 1);
    });
    if (!rv)
        return std::unexpected(rv.error());
    if (*rv != CKR_OK)
        return unavailable(d->settings, ProviderFault::Device, QStringLiteral("health check failed"), *rv);
    return {};
}

Result<QByteArray> Pkcs11Provider::wrap(QByteArrayView dataKey) const
{
    if (dataKey.size() != kDataKeySize)
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("%1: a data key must be %2 bytes")
                .arg(d->settings.providerId)
                .arg(kDataKeySize));
    const QByteArray header = blobHeader();
    const QByteArray iv = randomBytes(static_cast<int>(kIvSize));
    ck_gcm_params params {};
    params.iv_ptr = bytes(iv.constData());
    params.iv_len = static_cast<unsigned long>(iv.size());
    params.iv_bits = static_cast<unsigned long>(iv.size() * 8);
    params.aad_ptr = bytes(header.constData());
    params.aad_len = static_cast<unsigned long>(header.size());
    params.tag_bits = kTagSize * 8;
    ck_mechanism mechanism {CKM_AES_GCM, &params, sizeof params};

    unsigned char out[2 * kCiphertextSize] = {};
    unsigned long outLength = 0;
    auto rv = d->run([&] {
        outLength = sizeof out;
        const ck_rv_t r = d->module->fn->C_EncryptInit(d->session, &mechanism, d->key);
        if (r != CKR_OK)
            return r;
        return d->module->fn->C_Encrypt(d->session, bytes(dataKey.data()),
            static_cast<unsigned long>(dataKey.size()), out, &outLength);
    });
    if (!rv)
        return std::unexpected(rv.error());
    if (*rv != CKR_OK)
        return unavailable(
            d->settings, ProviderFault::Device, QStringLiteral("AES-GCM encryption in the token failed"), *rv);
    if (std::cmp_not_equal(outLength, kCiphertextSize))
        return fail(ErrorCode::Internal,
            QStringLiteral("%1: the token returned %2 bytes of AES-GCM output, expected %3")
                .arg(where(d->settings))
                .arg(outLength)
                .arg(kCiphertextSize));
    QByteArray blob = header;
    blob.append(iv);
    blob.append(reinterpret_cast<const char*>(out), kCiphertextSize);
    return blob;
}

Result<SecretBytes> Pkcs11Provider::unwrap(QByteArrayView wrapped) const
{
    const QString& id = d->settings.providerId;
    if (wrapped.size() < kHeaderSize || !wrapped.startsWith(QByteArrayView(kMagic, sizeof kMagic)))
        return fail(ErrorCode::DataKeyUnwrapFailed,
            QStringLiteral("%1: encrypted_data is not a PKCS#11 provider blob (no MKP1 header)")
                .arg(id));
    const auto version = static_cast<unsigned char>(wrapped.at(4));
    if (version != kVersion)
        return fail(ErrorCode::DataKeyUnwrapFailed,
            QStringLiteral("%1: unsupported PKCS#11 blob version %2").arg(id).arg(version));
    if (wrapped.size() != kBlobSize)
        return fail(ErrorCode::DataKeyUnwrapFailed,
            QStringLiteral("%1: PKCS#11 blob is %2 bytes, expected %3")
                .arg(id)
                .arg(wrapped.size())
                .arg(kBlobSize));
    const QByteArrayView header = wrapped.first(kHeaderSize);
    const QByteArrayView iv = wrapped.sliced(kHeaderSize, kIvSize);
    const QByteArrayView ciphertext = wrapped.sliced(kHeaderSize + kIvSize);
    ck_gcm_params params {};
    params.iv_ptr = bytes(iv.data());
    params.iv_len = kIvSize;
    params.iv_bits = kIvSize * 8;
    params.aad_ptr = bytes(header.data());
    params.aad_len = kHeaderSize;
    params.tag_bits = kTagSize * 8;
    ck_mechanism mechanism {CKM_AES_GCM, &params, sizeof params};

    SecretBytes out = SecretBytes::zeroed(2 * kCiphertextSize);
    unsigned long outLength = 0;
    bool rejected = false; // C_Decrypt itself failed on a live session: the tag did not verify
    auto rv = d->run([&] {
        rejected = false;
        outLength = static_cast<unsigned long>(out.size());
        ck_rv_t r = d->module->fn->C_DecryptInit(d->session, &mechanism, d->key);
        if (r != CKR_OK)
            return r;
        r = d->module->fn->C_Decrypt(d->session, bytes(ciphertext.data()),
            static_cast<unsigned long>(ciphertext.size()),
            reinterpret_cast<unsigned char*>(out.mutableData()), &outLength);
        switch (r) {
        case CKR_ENCRYPTED_DATA_INVALID:
        case CKR_ENCRYPTED_DATA_LEN_RANGE:
        case CKR_FUNCTION_FAILED:
        case CKR_GENERAL_ERROR: { // SoftHSM2 reports a GCM tag mismatch as CKR_GENERAL_ERROR
            // Tell a rejected tag from a token that just went away.
            ck_session_info info {};
            const ck_rv_t alive = d->module->fn->C_GetSessionInfo(d->session, &info);
            if (alive != CKR_OK)
                return alive;
            rejected = true;
            return r;
        }
        default:
            return r;
        }
    });
    if (!rv)
        return std::unexpected(rv.error());
    if (*rv != CKR_OK && rejected)
        return fail(ErrorCode::DataKeyUnwrapFailed,
            QStringLiteral(
                "%1: AES-GCM authentication failed (tampered encrypted_data or a different "
                "key under the same label) (%2)")
                .arg(where(d->settings), rvName(*rv)));
    if (*rv != CKR_OK)
        return unavailable(
            d->settings, ProviderFault::Device, QStringLiteral("AES-GCM decryption in the token failed"), *rv);
    if (std::cmp_not_equal(outLength, kDataKeySize))
        return fail(ErrorCode::DataKeyUnwrapFailed,
            QStringLiteral("%1: unwrapped %2 bytes, a data key has %3")
                .arg(id)
                .arg(outLength)
                .arg(kDataKeySize));
    return SecretBytes(out.view().first(kDataKeySize));
}

Result<void> Pkcs11Provider::createKey(const Pkcs11Settings& settings, const QString& label)
{
    Pkcs11Settings s = settings.clone();
    if (!label.isEmpty())
        s.keyLabel = label;
    if (s.keyLabel.isEmpty())
        return fail(
            ErrorCode::InvalidArgument, QStringLiteral("%1: no key label given").arg(s.providerId));
    auto module = loadModule(s);
    if (!module)
        return std::unexpected(module.error());
    const Module& m = **module;
    auto slot = findSlot(m, s);
    if (!slot)
        return std::unexpected(slot.error());
    auto session = openSession(m, s, *slot, true);
    if (!session)
        return std::unexpected(session.error());
    // Closing the session never logs other sessions of this process out of the token (only the
    // last session does), so no C_Logout here.
    struct Closer
    {
        const Module& m;
        ck_session_handle_t h;
        ~Closer() { m.fn->C_CloseSession(h); }
    } closer {m, *session};

    auto existing = findKeys(m, s, *session, s.keyLabel);
    if (!existing)
        return std::unexpected(existing.error());
    if (!existing->empty())
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("%1: a secret key with this label already exists").arg(where(s)));

    ck_object_class_t klass = CKO_SECRET_KEY;
    ck_key_type_t keyType = CKK_AES;
    unsigned long length = kAesKeySize;
    unsigned char yes = kCkTrue;
    unsigned char no = kCkFalse;
    QByteArray labelBytes = s.keyLabel.toUtf8();
    ck_attribute attributes[] = {
        {CKA_CLASS, &klass, sizeof klass},
        {CKA_KEY_TYPE, &keyType, sizeof keyType},
        {CKA_VALUE_LEN, &length, sizeof length},
        {CKA_LABEL, labelBytes.data(), static_cast<unsigned long>(labelBytes.size())},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_SENSITIVE, &yes, sizeof yes},
        {CKA_EXTRACTABLE, &no, sizeof no},
        {CKA_ENCRYPT, &yes, sizeof yes},
        {CKA_DECRYPT, &yes, sizeof yes},
        {CKA_WRAP, &no, sizeof no},
        {CKA_UNWRAP, &no, sizeof no},
        {CKA_SIGN, &no, sizeof no},
        {CKA_VERIFY, &no, sizeof no},
    };
    ck_mechanism mechanism {CKM_AES_KEY_GEN, nullptr, 0};
    ck_object_handle_t key = 0;
    const ck_rv_t rv
        = m.fn->C_GenerateKey(*session, &mechanism, attributes, std::size(attributes), &key);
    if (rv != CKR_OK)
        return unavailable(s, ProviderFault::Device, QStringLiteral("generating the AES-256 key in the token failed"), rv);
    return {};
}

} // namespace mk::crypto
