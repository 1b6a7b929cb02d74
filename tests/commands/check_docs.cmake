# Compares `luvirt help --markdown` with docs/commands.md (or, with -DWRITE=1, writes it).
# Plugins are never included: --markdown lists the built-in commands only.
set(ENV{LUVIRT_DATADIR} "${SRCDIR}/scripts")
set(ENV{LUVIRT_DEFAULT_URI} "test:///default")
execute_process(COMMAND ${LUVIRT} help --markdown
                OUTPUT_FILE ${OUT}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "luvirt help --markdown failed (${rc})")
endif()
if(NOT WRITE)
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT} ${SRCDIR}/docs/commands.md
                    RESULT_VARIABLE diff)
    if(NOT diff EQUAL 0)
        message(FATAL_ERROR "docs/commands.md is stale: regenerate it with "
                "`cmake --build BUILD --target regenerate-command-docs` (new output: ${OUT})")
    endif()
endif()
