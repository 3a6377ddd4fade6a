# Installs the build into a fresh temporary prefix and checks that the installed programs run
# from there and look for models in that prefix (the tree is relocatable: no build paths).
# Run by ctest (packaging.install_smoke) with:
#   -DBUILD_DIR=<build> -DWORK_DIR=<scratch> -DEXPECTED_VERSION=<x.y.z>
#   -DBINDIR=<bin dir in the prefix> -DDATADIR=<share/nocturne in the prefix> -DMODELS=<id,id,...>
cmake_minimum_required(VERSION 3.25)

foreach(_var BUILD_DIR WORK_DIR EXPECTED_VERSION BINDIR DATADIR)
    if(NOT DEFINED ${_var})
        message(FATAL_ERROR "InstallSmoke.cmake: pass -D${_var}=...")
    endif()
endforeach()

# A fresh prefix on every run; the programs must find everything relative to it.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/relocated-prefix)
file(MAKE_DIRECTORY ${prefix})
file(REAL_PATH ${prefix} prefix)

# check("<if() condition>" "<what went wrong>")
function(check condition message)
    cmake_language(EVAL CODE "if(${condition})\n set(ok ON)\nelse()\n set(ok OFF)\nendif()")
    if(NOT ok)
        message(FATAL_ERROR "install smoke test: ${message}")
    endif()
endfunction()

execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
check("rc EQUAL 0" "cmake --install failed (rc ${rc}): ${err}\nBuild every target first (cmake --build).")

set(cli ${prefix}/${BINDIR}/nocturne-cli)
check("EXISTS ${cli}" "${cli} was not installed")
check("EXISTS ${prefix}/${DATADIR}/samples/night-interior.dng" "the RAW sample was not installed")
check("EXISTS ${prefix}/${DATADIR}/samples/night-interior.jpg" "the JPEG sample was not installed")

# The environment must not point the registry anywhere else.
set(ENV{NOCTURNE_MODEL_PATH} "")
set(ENV{NOCTURNE_DEV_MODELS} "")
set(ENV{XDG_DATA_HOME} ${WORK_DIR}/xdg-data)

execute_process(COMMAND ${cli} --version RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(STRIP "${out}" out)
check("rc EQUAL 0" "nocturne-cli --version failed (rc ${rc}): ${err}")
check("out STREQUAL \"nocturne-cli ${EXPECTED_VERSION}\""
      "nocturne-cli --version printed '${out}', expected 'nocturne-cli ${EXPECTED_VERSION}'")

execute_process(COMMAND ${cli} --list-methods -v RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
check("rc EQUAL 0" "nocturne-cli --list-methods -v failed (rc ${rc}): ${err}")
foreach(method he dhe retinex)
    string(REGEX MATCH "\n${method} " found "\n${out}")
    check("found" "--list-methods does not list '${method}':\n${out}")
endforeach()

# The folders searched, one per line after the heading; normalise and find the prefix's one.
set(expected_models ${prefix}/${DATADIR}/models)
cmake_path(NORMAL_PATH expected_models)
string(REGEX REPLACE "^.*Model folders searched, in order:\n" "" folders "${out}")
string(REPLACE "\n" ";" lines "${folders}")
set(found_models OFF)
foreach(line IN LISTS lines)
    if(NOT line MATCHES "^  (/.*)$")
        break()
    endif()
    set(folder ${CMAKE_MATCH_1})
    cmake_path(NORMAL_PATH folder)
    string(REGEX REPLACE "/$" "" folder "${folder}")
    if(folder STREQUAL expected_models)
        set(found_models ON)
    endif()
endforeach()
check("found_models" "the installed nocturne-cli does not search ${expected_models}:\n${out}")

# Every installed trained model is offered, or said to be experimental (failed the real-photo
# ship rule) and then offered with --experimental (MODELS: comma-separated ids from configure
# time).
execute_process(COMMAND ${cli} --list-methods --experimental RESULT_VARIABLE rc OUTPUT_VARIABLE all_out ERROR_VARIABLE err)
check("rc EQUAL 0" "nocturne-cli --list-methods --experimental failed (rc ${rc}): ${err}")
string(REPLACE "," ";" MODELS "${MODELS}")
foreach(id IN LISTS MODELS)
    check("EXISTS ${expected_models}/${id}.json" "model ${id}: manifest not installed")
    string(REGEX MATCH "\n${id} " offered "\n${out}")
    string(FIND "${out}" "model \"${id}\" is experimental" experimental)
    check("offered OR NOT experimental EQUAL -1"
          "installed model '${id}' is neither offered nor reported experimental by --list-methods -v:\n${out}")
    string(REGEX MATCH "\n${id} " found "\n${all_out}")
    check("found" "installed model '${id}' is not offered by --list-methods --experimental:\n${all_out}")
endforeach()

# The editor answers --version without a display.
if(EXISTS ${prefix}/${BINDIR}/nocturne)
    execute_process(COMMAND ${prefix}/${BINDIR}/nocturne --version RESULT_VARIABLE rc OUTPUT_VARIABLE out)
    string(STRIP "${out}" out)
    check("rc EQUAL 0 AND out STREQUAL \"nocturne ${EXPECTED_VERSION}\""
          "nocturne --version printed '${out}' (rc ${rc})")
endif()

# No runpath into the build tree.
find_program(READELF readelf)
if(READELF)
    execute_process(COMMAND ${READELF} -d ${cli} OUTPUT_VARIABLE dynamic)
    string(FIND "${dynamic}" "${BUILD_DIR}" pos)
    check("pos EQUAL -1" "the installed nocturne-cli has a RUNPATH into the build tree:\n${dynamic}")
endif()

file(REMOVE_RECURSE ${WORK_DIR})
message(STATUS "install smoke test: ${prefix} ok (version ${EXPECTED_VERSION}, models searched in ${expected_models})")
