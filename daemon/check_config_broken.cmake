# Runs `ikev2d --check-config` on a broken file and checks it fails (exit 1)
# with a file:line:column diagnostic. Called by ctest with -DIKEV2D and -DCONFIG.
execute_process(COMMAND ${IKEV2D} --check-config ${CONFIG}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "expected exit code 1, got ${rc}\n${out}${err}")
endif()
if(NOT "${out}${err}" MATCHES "broken\\.yaml:[0-9]+:[0-9]+: ")
  message(FATAL_ERROR "no file:line:column diagnostic in:\n${out}${err}")
endif()
