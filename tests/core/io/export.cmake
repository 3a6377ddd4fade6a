# Export and metadata tests (ImageWriter, MetadataStore); included from CMakeLists.txt here.
nocturne_add_test(ImageWriter LABELS core LIBS opencv_imgcodecs)
# Exiv2 is linked directly only to build fixtures (EXIF, XMP, IPTC in a source JPEG).
nocturne_add_test(MetadataStore LABELS core LIBS opencv_imgcodecs exiv2lib)
