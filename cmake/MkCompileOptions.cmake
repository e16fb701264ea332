# Project-wide warning, hardening and Qt strictness settings, applied per target with
# mk_target_defaults(<target>) so that third-party code is never affected.
#
# Sanitizer / fuzzing switches (see CMakePresets.json and tests/fuzz/README.md):
#   MK_SANITIZE=ON        AddressSanitizer + UndefinedBehaviorSanitizer (option in CMakeLists.txt)
#   MK_TSAN=ON            ThreadSanitizer (not together with MK_SANITIZE)
#   MK_FUZZ_ENGINE=libfuzzer  clang only: coverage instrumentation for libFuzzer on every target,
#                         and tests/fuzz builds fuzz_<name> engines next to the smoke tests
# The asan-ubsan and tsan presets build RelWithDebInfo as -O1 -g1 (line tables only: reports still
# name function, file and line): OperationEngine.cpp with ASan+UBSan compiles in 39 s instead of
# 96 s at -O2 -g, which keeps the CI sanitizer pass within its budget. mk_crypto stays at -O2: its
# PBKDF2 loop (10,000 SHA-256 compressions per value) runs 5 times slower at -O1 under ASan
# (test_ops_verify 77 s instead of 15 s), and the library is small.

option(MK_TSAN "Build with the thread sanitizer" OFF)
set(MK_FUZZ_ENGINE "none" CACHE STRING "Fuzzing engine for tests/fuzz: none or libfuzzer (clang)")
set_property(CACHE MK_FUZZ_ENGINE PROPERTY STRINGS none libfuzzer)
if(MK_TSAN AND MK_SANITIZE)
    message(FATAL_ERROR "MK_TSAN and MK_SANITIZE cannot be combined")
endif()

function(mk_target_defaults target)
    target_compile_options(${target} PRIVATE
        -Wall -Wextra -Wpedantic -Wshadow -Wold-style-cast -Wnon-virtual-dtor
        -Woverloaded-virtual -Wcast-align -Wformat=2 -Wundef
        -fstack-protector-strong)
    if(MK_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    if(MK_SANITIZE)
        target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer)
        target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    endif()
    if(MK_TSAN)
        target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer)
        target_link_options(${target} PRIVATE -fsanitize=thread)
    endif()
    if((MK_SANITIZE OR MK_TSAN) AND target STREQUAL "mk_crypto")
        target_compile_options(${target} PRIVATE -O2) # after the preset's -O1: see above
    endif()
    if(MK_FUZZ_ENGINE STREQUAL "libfuzzer")
        target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
    endif()
    target_compile_definitions(${target} PRIVATE
        QT_NO_CAST_FROM_ASCII
        QT_NO_CAST_TO_ASCII
        QT_NO_URL_CAST_FROM_STRING
        QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
        QT_DISABLE_DEPRECATED_BEFORE=0x060400
        $<$<CONFIG:Release,RelWithDebInfo,MinSizeRel>:_FORTIFY_SOURCE=2>)
    set_target_properties(${target} PROPERTIES
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON)
endfunction()
