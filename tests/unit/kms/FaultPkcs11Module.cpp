// A PKCS#11 module for tests: forwards every call to SoftHSM2 and can pretend that the token was
// removed or that a session was lost, controlled through mk_fault_set_mode() (found with dlsym on
// the already loaded module).
#include <atomic>
#include <cstring>
#include <dlfcn.h>

#define CRYPTOKI_GNU 1
#include <p11-kit-1/p11-kit/pkcs11.h>

namespace {

enum Mode : int
{
    Normal = 0,
    Removed = 1, // token gone: session calls fail with CKR_DEVICE_REMOVED, no slot has a token
    LoseSessionOnce = 2, // the next Encrypt/DecryptInit fails with CKR_SESSION_HANDLE_INVALID
};

std::atomic<int> g_mode = Normal;
ck_function_list* g_real = nullptr;
ck_function_list g_list;

ck_rv_t getSlotList(unsigned char tokenPresent, ck_slot_id_t* slots, unsigned long* count)
{
    if (g_mode == Removed && tokenPresent) {
        *count = 0;
        return CKR_OK;
    }
    return g_real->C_GetSlotList(tokenPresent, slots, count);
}

ck_rv_t openSession(ck_slot_id_t slot,
    ck_flags_t flags,
    void* app,
    ck_notify_t notify,
    ck_session_handle_t* session)
{
    if (g_mode == Removed)
        return CKR_TOKEN_NOT_PRESENT;
    return g_real->C_OpenSession(slot, flags, app, notify, session);
}

ck_rv_t getSessionInfo(ck_session_handle_t session, ck_session_info* info)
{
    if (g_mode == Removed)
        return CKR_DEVICE_REMOVED;
    return g_real->C_GetSessionInfo(session, info);
}

ck_rv_t encryptInit(ck_session_handle_t session, ck_mechanism* mechanism, ck_object_handle_t key)
{
    if (g_mode == Removed)
        return CKR_DEVICE_REMOVED;
    if (g_mode == LoseSessionOnce) {
        g_mode = Normal;
        g_real->C_CloseSession(session);
        return CKR_SESSION_HANDLE_INVALID;
    }
    return g_real->C_EncryptInit(session, mechanism, key);
}

ck_rv_t decryptInit(ck_session_handle_t session, ck_mechanism* mechanism, ck_object_handle_t key)
{
    if (g_mode == Removed)
        return CKR_DEVICE_REMOVED;
    if (g_mode == LoseSessionOnce) {
        g_mode = Normal;
        g_real->C_CloseSession(session);
        return CKR_SESSION_HANDLE_INVALID;
    }
    return g_real->C_DecryptInit(session, mechanism, key);
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) void mk_fault_set_mode(int mode)
{
    g_mode = mode;
}

__attribute__((visibility("default"))) ck_rv_t C_GetFunctionList(ck_function_list** list)
{
    if (!g_real) {
        void* handle = dlopen(MK_SOFTHSM_MODULE, RTLD_NOW | RTLD_LOCAL);
        if (!handle)
            return CKR_GENERAL_ERROR;
        using GetFunctionList = ck_rv_t (*)(ck_function_list**);
        const auto get = reinterpret_cast<GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
        if (!get || get(&g_real) != CKR_OK)
            return CKR_GENERAL_ERROR;
        std::memcpy(&g_list, g_real, sizeof g_list);
        g_list.C_GetSlotList = getSlotList;
        g_list.C_OpenSession = openSession;
        g_list.C_GetSessionInfo = getSessionInfo;
        g_list.C_EncryptInit = encryptInit;
        g_list.C_DecryptInit = decryptInit;
    }
    *list = &g_list;
    return CKR_OK;
}

} // extern "C"
