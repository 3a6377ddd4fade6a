# Export and metadata tests (ImageWriter, MetadataStore); included from CMakeLists.txt here.
# zlib: the test reads the PNG iCCP chunk as a spec-conforming reader does.
nocturne_add_test(ImageWriter LABELS core LIBS opencv_imgcodecs ZLIB::ZLIB)
# Exiv2 is linked directly only to build fixtures (EXIF, XMP, IPTC in a source JPEG).
nocturne_add_test(MetadataStore LABELS core LIBS opencv_imgcodecs exiv2lib)
# Linear DNG export, read back by LibRaw and by dcraw (a second reader; skipped without it).
nocturne_add_test(LinearDng LABELS core LIBS opencv_imgcodecs)
target_compile_definitions(tst_LinearDng PRIVATE
    NOCTURNE_SOURCE_SAMPLES_DIR="${PROJECT_SOURCE_DIR}/resources/samples")
