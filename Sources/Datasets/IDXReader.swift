/// Reader for the IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed.
///
/// Images file: big-endian magic 0x00000803, u32 count, u32 rows, u32 cols, then count·rows·cols
/// bytes. Labels file: magic 0x00000801, u32 count, then count bytes.
public enum IDXReader {
    /// Magic number of an images file (unsigned bytes, 3 dimensions).
    public static let imagesMagic: UInt32 = 0x0000_0803
    /// Magic number of a labels file (unsigned bytes, 1 dimension).
    public static let labelsMagic: UInt32 = 0x0000_0801
    /// File name of the training images (optionally with `.gz`).
    public static let trainImages = "train-images-idx3-ubyte"
    /// File name of the training labels (optionally with `.gz`).
    public static let trainLabels = "train-labels-idx1-ubyte"
    /// File name of the test images (optionally with `.gz`).
    public static let testImages = "t10k-images-idx3-ubyte"
    /// File name of the test labels (optionally with `.gz`).
    public static let testLabels = "t10k-labels-idx1-ubyte"

    /// Reads the four standard files from `folder` (each either raw or with `.gz`).
    /// `name` and `classNames` default from the folder name: a path containing "fashion" gives
    /// Fashion-MNIST names, otherwise the digits "0"…"9". `classCount` bounds every label.
    public static func read(folder: String, name: String? = nil, classCount: Int = 10,
                            classNames: [String]? = nil) throws -> Dataset {
        let expected = [trainImages, trainLabels, testImages, testLabels].flatMap { [$0, $0 + ".gz"] }
        guard BinaryFile.isFolder(folder) else { throw DatasetError.missingFile(path: folder, expected: expected) }
        func locate(_ base: String) throws -> String {
            for candidate in [base, base + ".gz"] where BinaryFile.exists(BinaryFile.join(folder, candidate)) {
                return BinaryFile.join(folder, candidate)
            }
            throw DatasetError.missingFile(path: BinaryFile.join(folder, base), expected: [base, base + ".gz"])
        }
        let train = try readPart(images: locate(trainImages), labels: locate(trainLabels), classCount: classCount)
        let test = try readPart(images: locate(testImages), labels: locate(testLabels), classCount: classCount)
        guard train.shape == test.shape else {
            throw DatasetError.shapeMismatch(path: try locate(testImages), expected: train.shape.dimensions,
                                             found: test.shape.dimensions)
        }
        let isFashion = folder.lowercased().contains("fashion")
        let defaultNames = isFashion && classCount == 10 ? fashionMNISTClassNames : (0..<classCount).map(String.init)
        var names = classNames ?? defaultNames
        if names.count != classCount { names = (0..<classCount).map(String.init) }
        let defaultName = isFashion ? "Fashion-MNIST" : (folder.lowercased().contains("mnist") ? "MNIST" : "IDX")
        return Dataset(name: name ?? defaultName, format: .idx, train: train, test: test,
                       classCount: classCount, classNames: names)
    }

    /// Reads one images file and its labels file into a part of shape [1, rows, cols].
    public static func readPart(images imagesPath: String, labels labelsPath: String, classCount: Int) throws -> ImageSet {
        let (pixels, count, rows, cols) = try readImages(imagesPath)
        let labels = try readLabels(labelsPath, classCount: classCount)
        guard labels.count == count else {
            throw DatasetError.countMismatch(imagesPath: imagesPath, images: count, labelsPath: labelsPath,
                                             labels: labels.count)
        }
        return ImageSet(shape: ImageShape(channels: 1, height: rows, width: cols), pixels: pixels, labels: labels)
    }

    static func readImages(_ path: String) throws -> (pixels: [UInt8], count: Int, rows: Int, cols: Int) {
        let bytes = try BinaryFile.readMaybeGzipped(path) { prefix in
            prefix.count >= 16 ? try imagesHeader(prefix, path: path).dataBytes + 16 : nil
        }
        let header = try imagesHeader(bytes, path: path)
        guard header.dataBytes == bytes.count - 16 else {
            throw DatasetError.headerSizeMismatch(path: path, header: header.text,
                                                  expectedBytes: header.dataBytes, actualBytes: bytes.count - 16)
        }
        return (Array(bytes[16...]), header.count, header.rows, header.cols)
    }

    /// The images header's counts and data size, computed with checked arithmetic: a header whose
    /// product overflows, announces more than the machine's memory or has a zero-sized image is an
    /// error naming the file (a decompressing reader calls this on the first bytes).
    private static func imagesHeader(_ bytes: [UInt8], path: String) throws
        -> (count: Int, rows: Int, cols: Int, dataBytes: Int, text: String) {
        try checkHeader(bytes, path: path, headerSize: 16, magic: imagesMagic)
        let count = Int(BinaryFile.bigEndianUInt32(bytes, at: 4))
        let rows = Int(BinaryFile.bigEndianUInt32(bytes, at: 8))
        let cols = Int(BinaryFile.bigEndianUInt32(bytes, at: 12))
        let text = "\(count) images of \(rows)×\(cols)"
        guard rows > 0, cols > 0 else {
            throw DatasetError.badContent(path: path, reason: "header says \(text): an image must have at least one row and one column")
        }
        let (plane, overflow1) = rows.multipliedReportingOverflow(by: cols)
        let (total, overflow2) = count.multipliedReportingOverflow(by: plane)
        let limit = MemoryLimit.bytes
        guard !overflow1, !overflow2, total <= limit else {
            let size = Double(count) * Double(rows) * Double(cols)
            throw DatasetError.badContent(
                path: path, reason: "header says \(text) = \(MemoryLimit.format(size)) of pixels, more than this "
                    + "machine's memory (\(MemoryLimit.format(Double(limit)))); the header is corrupt or the file cannot be loaded here")
        }
        return (count, rows, cols, total, text)
    }

    static func readLabels(_ path: String, classCount: Int) throws -> [Int32] {
        let bytes = try BinaryFile.readMaybeGzipped(path) { prefix in
            prefix.count >= 8 ? Int(BinaryFile.bigEndianUInt32(prefix, at: 4)) + 8 : nil
        }
        try checkHeader(bytes, path: path, headerSize: 8, magic: labelsMagic)
        let count = Int(BinaryFile.bigEndianUInt32(bytes, at: 4))
        guard count == bytes.count - 8 else {
            throw DatasetError.headerSizeMismatch(path: path, header: "\(count) labels",
                                                  expectedBytes: count, actualBytes: bytes.count - 8)
        }
        var labels = [Int32](repeating: 0, count: count)
        for i in 0..<count {
            let value = Int(bytes[8 + i])
            guard value < classCount else {
                throw DatasetError.labelOutOfRange(path: path, record: i, byteOffset: 8 + i, value: value,
                                                   classCount: classCount)
            }
            labels[i] = Int32(value)
        }
        return labels
    }

    private static func checkHeader(_ bytes: [UInt8], path: String, headerSize: Int, magic: UInt32) throws {
        if bytes.count >= 4 {
            let found = BinaryFile.bigEndianUInt32(bytes, at: 0)
            guard found == magic else { throw DatasetError.wrongMagic(path: path, expected: magic, found: found) }
        }
        guard bytes.count >= headerSize else {
            throw DatasetError.truncatedHeader(path: path, size: bytes.count, headerSize: headerSize)
        }
    }
}
