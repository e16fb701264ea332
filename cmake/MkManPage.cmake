# Build step for one man page (resources/CMakeLists.txt): the scdoc source with @MK_VERSION@
# filled in, rendered to roff, and a copy compressed the way Debian ships man pages (gzip -9n: no
# name, no time stamp).
#   cmake -DSCDOC=... -DSOURCE=page.1.scd -DOUTPUT=.../page.1 -DMK_VERSION=x.y.z
#         [-DDATE_EPOCH=seconds] -P MkManPage.cmake
foreach(var SCDOC SOURCE OUTPUT MK_VERSION)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "MkManPage.cmake: ${var} is not set")
    endif()
endforeach()
configure_file(${SOURCE} ${OUTPUT}.scd @ONLY)
if(DATE_EPOCH)
    set(ENV{SOURCE_DATE_EPOCH} ${DATE_EPOCH}) # the date in the page footer
endif()
execute_process(COMMAND ${SCDOC} INPUT_FILE ${OUTPUT}.scd OUTPUT_FILE ${OUTPUT}.tmp
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    file(REMOVE ${OUTPUT}.tmp)
    message(FATAL_ERROR "scdoc failed on ${SOURCE} (line numbers are the source's): ${err}")
endif()
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
execute_process(COMMAND gzip -9 -n -c ${OUTPUT} OUTPUT_FILE ${OUTPUT}.gz RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip failed on ${OUTPUT}")
endif()
