import Foundation
@testable import LoadTest
import Testing

@Suite struct FreeFolderTests {
    /// A taken folder gets -2, then -3, beside it; a free one is used as it is.
    @Test func aTakenFolderGetsTheNextFreeSuffix() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-free-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let folder = base.appendingPathComponent("run")
        #expect(FileManager.default.freeFolder(folder) == folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(FileManager.default.freeFolder(folder).lastPathComponent == "run-2")
        try FileManager.default.createDirectory(at: base.appendingPathComponent("run-2"), withIntermediateDirectories: true)
        #expect(FileManager.default.freeFolder(folder).lastPathComponent == "run-3")
    }
}
