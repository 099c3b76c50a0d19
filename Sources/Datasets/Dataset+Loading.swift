/// Options for `Dataset.load(from:options:)`.
public struct DatasetLoadOptions: Sendable {
    /// Force a format instead of detecting it.
    public var format: DatasetFormat?
    /// CIFAR-100: fine (100 classes, the benchmark's choice) or coarse (20) labels.
    public var cifar100Labels: CIFARReader.CIFAR100Labels
    /// IDX: class count bounding the labels (10 for MNIST and Fashion-MNIST).
    public var idxClassCount: Int

    /// Options; the defaults detect the format and read CIFAR-100's fine labels.
    public init(format: DatasetFormat? = nil, cifar100Labels: CIFARReader.CIFAR100Labels = .fine,
                idxClassCount: Int = 10) {
        self.format = format; self.cifar100Labels = cifar100Labels; self.idxClassCount = idxClassCount
    }
}

extension DatasetFormat {
    /// Recognises the dataset at `path`: a folder holding the files of one format (or a
    /// `cifar-10-batches-bin` / `cifar-100-binary` subfolder), or a single file by its name
    /// (`*.bin` of CIFAR, or one of the IDX files, in which case its folder is the dataset).
    public static func detect(at path: String) throws -> DatasetFormat {
        if BinaryFile.isFolder(path) {
            let has = { (name: String) in BinaryFile.exists(BinaryFile.join(path, name)) }
            if has(CIFARReader.cifar10TestFile) || CIFARReader.cifar10TrainFiles.contains(where: has) { return .cifar10 }
            if has(CIFARReader.cifar100TrainFile) || has(CIFARReader.cifar100TestFile) { return .cifar100 }
            let idxNames = [IDXReader.trainImages, IDXReader.trainLabels, IDXReader.testImages, IDXReader.testLabels]
            if idxNames.contains(where: { has($0) || has($0 + ".gz") }) { return .idx }
            if has("cifar-10-batches-bin") { return .cifar10 }
            if has("cifar-100-binary") { return .cifar100 }
            throw DatasetError.unrecognisedFormat(
                path: path, reason: "no dataset files found (expected CIFAR-10 data_batch_1..5.bin + test_batch.bin, "
                    + "CIFAR-100 train.bin + test.bin, or IDX train-images-idx3-ubyte[.gz] etc.)")
        }
        guard BinaryFile.exists(path) else { throw DatasetError.missingFile(path: path, expected: []) }
        let name = String(path.split(separator: "/").last ?? "")
        if name.contains("idx1-ubyte") || name.contains("idx3-ubyte") { return .idx }
        if name == CIFARReader.cifar100TrainFile || name == CIFARReader.cifar100TestFile { return .cifar100 }
        if name.hasSuffix(".bin") { return .cifar10 }
        throw DatasetError.unrecognisedFormat(
            path: path, reason: "cannot tell the format from the file name; pass the format explicitly")
    }
}

extension Dataset {
    /// Reads the dataset at `path` (folder or file; see `DatasetFormat.detect(at:)`).
    /// A single CIFAR `.bin` file becomes the test part when named `test*`, else the train part.
    public static func load(from path: String, options: DatasetLoadOptions = DatasetLoadOptions()) throws -> Dataset {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        let format = try options.format ?? DatasetFormat.detect(at: path)
        let isFolder = BinaryFile.isFolder(path)
        if !isFolder && !BinaryFile.exists(path) { throw DatasetError.missingFile(path: path, expected: []) }
        let folder = isFolder ? path : parentFolder(of: path)
        let fileName = String(path.split(separator: "/").last ?? "")
        switch format {
        case .cifar10:
            if isFolder {
                let sub = BinaryFile.join(path, "cifar-10-batches-bin")
                return try CIFARReader.readCIFAR10(folder: BinaryFile.isFolder(sub) ? sub : path)
            }
            let isTest = fileName.hasPrefix("test")
            return try CIFARReader.readCIFAR10(trainFiles: isTest ? [] : [path], testFiles: isTest ? [path] : [],
                                               metaFile: BinaryFile.join(folder, "batches.meta.txt"))
        case .cifar100:
            if isFolder {
                let sub = BinaryFile.join(path, "cifar-100-binary")
                return try CIFARReader.readCIFAR100(folder: BinaryFile.isFolder(sub) ? sub : path,
                                                    labels: options.cifar100Labels)
            }
            let isTest = fileName.hasPrefix("test")
            return try CIFARReader.readCIFAR100(trainFiles: isTest ? [] : [path], testFiles: isTest ? [path] : [],
                                                labels: options.cifar100Labels)
        case .idx:
            let idxNames = [IDXReader.trainImages, IDXReader.trainLabels, IDXReader.testImages, IDXReader.testLabels]
            if !isFolder && !idxNames.contains(where: { fileName == $0 || fileName == $0 + ".gz" }) {
                // Reading the file's folder instead would report files the user never named.
                throw DatasetError.unrecognisedFormat(
                    path: path, reason: "is a file, not an IDX dataset folder (give the folder holding "
                        + idxNames.map { $0 + "[.gz]" }.joined(separator: ", ") + ")")
            }
            return try IDXReader.read(folder: folder, classCount: options.idxClassCount)
        }
    }

    private static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
