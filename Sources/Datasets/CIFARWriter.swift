import Foundation

/// Writes CIFAR-10 binary files (the inverse of `CIFARReader.readCIFAR10`).
public enum CIFARWriter {
    /// One `.bin` file of CIFAR-10 records (label byte + 3,072 pixel bytes each) for images
    /// `range` of `part`. Precondition: `part.shape` is [3, 32, 32] and labels fit a byte.
    public static func writeCIFAR10Records(_ part: ImageSet, range: Range<Int>, to path: String) throws {
        precondition(part.shape == CIFARReader.shape, "CIFAR-10 images are [3,32,32]")
        let volume = part.shape.volume
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count * (volume + 1))
        for i in range {
            bytes.append(UInt8(part.labels[i]))
            bytes.append(contentsOf: part.image(i))
        }
        try BinaryFile.write(bytes, to: path)
    }

    /// A complete `cifar-10-batches-bin`-style folder: the train part split as evenly as possible
    /// over `data_batch_1…5.bin`, the test part in `test_batch.bin`, and `batches.meta.txt`.
    public static func writeCIFAR10Folder(train: ImageSet, test: ImageSet, classNames: [String], to folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw DatasetError.writeFailed(path: folder, reason: error.localizedDescription)
        }
        let files = CIFARReader.cifar10TrainFiles
        for (k, name) in files.enumerated() {
            let range = (k * train.count / files.count)..<((k + 1) * train.count / files.count)
            try writeCIFAR10Records(train, range: range, to: BinaryFile.join(folder, name))
        }
        try writeCIFAR10Records(test, range: 0..<test.count, to: BinaryFile.join(folder, CIFARReader.cifar10TestFile))
        let meta = classNames.joined(separator: "\n") + "\n"
        try BinaryFile.write(Array(meta.utf8), to: BinaryFile.join(folder, "batches.meta.txt"))
    }
}
