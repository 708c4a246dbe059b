/** Content-addressed blob storage ({@code BlobStore}); plain JDK. */
module dev.kiln.storage {
    exports dev.kiln.storage;
}
