# CPack settings, included at the end of packaging/CMakeLists.txt (after every install rule).
# One version everywhere: PROJECT_VERSION feeds core/Version.h (programs), the AppStream
# metainfo and every package below.
#   Linux:   DEB (+ RPM when rpmbuild is installed) and TGZ
#   Windows: NSIS installer and ZIP
#   macOS:   DragNDrop .dmg and TGZ
# Build them with `cpack` in the build folder (or `cpack -G DEB`); see packaging/README.md.

set(CPACK_PACKAGE_NAME nocturne)
set(CPACK_PACKAGE_VENDOR "The Nocturne developers")
set(CPACK_PACKAGE_CONTACT "The Nocturne developers <nocturne@nocturne.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# Lines under 80 columns: the .deb's extended description keeps them as written.
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
    "Nocturne brightens photographs taken in near darkness. It opens camera RAW"
    "files and JPEG, PNG and TIFF images, amplifies the exposure and enhances the"
    "result with classical methods (histogram equalisation, dynamic histogram"
    "equalisation, multi-scale Retinex) or low-light neural networks run through"
    "LibTorch. Includes the editor (nocturne) and a batch command-line tool"
    "(nocturne-cli).")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY Nocturne)
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_CURRENT_LIST_DIR}/LICENSE.txt)
set(CPACK_STRIP_FILES ON)          # RelWithDebInfo binaries carry ~10x their size in DWARF
set(CPACK_VERBATIM_VARIABLES ON)
if(_nocturne_editor)
    set(CPACK_PACKAGE_EXECUTABLES nocturne Nocturne)   # Start-menu entry (NSIS)
endif()

# <name>-<version>-<system>-<arch>, e.g. nocturne-0.1.0-Linux-x86_64.tar.gz.
set(CPACK_PACKAGE_FILE_NAME
    "${CPACK_PACKAGE_NAME}-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}")

# Components. Installers that support them (NSIS) let the user untick the models; the .deb,
# .rpm, .tgz and .dmg are monolithic (both components in one package): the models are a few
# MB, and a separate nocturne-models .deb would only add a dependency to keep in step.
set(CPACK_COMPONENTS_ALL Runtime Models)
set(CPACK_COMPONENT_RUNTIME_DISPLAY_NAME "Nocturne")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "The editor, the command-line tool and the sample photo.")
set(CPACK_COMPONENT_RUNTIME_REQUIRED ON)
set(CPACK_COMPONENT_MODELS_DISPLAY_NAME "Enhancement networks")
set(CPACK_COMPONENT_MODELS_DESCRIPTION "Trained low-light networks (TorchScript) and their model cards.")
set(CPACK_DEB_COMPONENT_INSTALL OFF)
set(CPACK_RPM_COMPONENT_INSTALL OFF)
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)

if(WIN32)
    set(CPACK_GENERATOR NSIS ZIP)
    set(CPACK_NSIS_PACKAGE_NAME Nocturne)
    set(CPACK_NSIS_DISPLAY_NAME "Nocturne ${PROJECT_VERSION}")
    set(CPACK_NSIS_MUI_ICON ${CMAKE_CURRENT_LIST_DIR}/icons/nocturne.ico)
    set(CPACK_NSIS_MUI_UNIICON ${CMAKE_CURRENT_LIST_DIR}/icons/nocturne.ico)
    set(CPACK_NSIS_INSTALLED_ICON_NAME bin\\nocturne.exe)
    set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
    set(CPACK_NSIS_CONTACT "${CPACK_PACKAGE_CONTACT}")
    set(CPACK_NSIS_MODIFY_PATH ON)     # offers to put bin\ (nocturne-cli) on PATH
    set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
    set(CPACK_NSIS_EXECUTABLES_DIRECTORY bin)
elseif(APPLE)
    set(CPACK_GENERATOR DragNDrop TGZ)
    set(CPACK_DMG_VOLUME_NAME Nocturne)
    set(CPACK_DMG_FORMAT UDZO)
    # DragNDrop adds the /Applications link itself.
else()
    set(CPACK_GENERATOR DEB TGZ)

    # Debian: nocturne_<version>-<release>_<arch>.deb, e.g. nocturne_0.1.0-1_amd64.deb.
    set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
    set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
    set(CPACK_DEBIAN_PACKAGE_SECTION graphics)
    set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
    set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
    set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
    # Library dependencies (libtorch, LibRaw, Exiv2, OpenCV, Qt, ...) from the binaries, with
    # dpkg-shlibdeps (package dpkg-dev).
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
    # What dpkg-shlibdeps cannot see: Qt loads its platform plugin (xcb) at run time, and
    # libqt6gui6 only recommends the package that holds it.
    if(_nocturne_editor)
        set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
    endif()
    set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

    # RPM only where rpmbuild exists (Debian: apt-get install rpm). Built on Debian, its
    # automatic requirements name sonames, so it is for testing the spec, not for Fedora users.
    find_program(NOCTURNE_RPMBUILD rpmbuild)
    mark_as_advanced(NOCTURNE_RPMBUILD)
    if(NOCTURNE_RPMBUILD)
        list(APPEND CPACK_GENERATOR RPM)
        set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
        set(CPACK_RPM_PACKAGE_RELEASE 1)
        set(CPACK_RPM_PACKAGE_LICENSE MIT)
        set(CPACK_RPM_PACKAGE_GROUP "Applications/Multimedia")
        set(CPACK_RPM_PACKAGE_URL "${PROJECT_HOMEPAGE_URL}")
        # Directories the system already owns must not become part of the package.
        list(APPEND CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
            /usr/share/applications /usr/share/metainfo /usr/share/mime /usr/share/mime/packages
            /usr/share/icons /usr/share/icons/hicolor /usr/share/icons/hicolor/scalable
            /usr/share/icons/hicolor/scalable/apps)
        foreach(_size 16 24 32 48 64 128 256 512)
            list(APPEND CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
                /usr/share/icons/hicolor/${_size}x${_size} /usr/share/icons/hicolor/${_size}x${_size}/apps)
        endforeach()
        set(CPACK_RPM_SPEC_MORE_DEFINE "%define _build_id_links none")
    endif()
endif()

set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${PROJECT_VERSION}-source")
set(CPACK_SOURCE_IGNORE_FILES
    "/\\.git/" "/build/" "/build-.*/" "/out/" "__pycache__" "\\.pyc$"
    "/models/training/cache/" "/models/training/runs/")

include(CPack)
