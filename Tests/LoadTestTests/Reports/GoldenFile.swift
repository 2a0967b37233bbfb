import Foundation
import Testing

/// Compares text with a golden file under `Tests/LoadTestTests/Golden/`. With
/// `SWITCHY_RECORD_GOLDEN=1` in the environment the file is (re)written instead and the
/// test passes: review the diff of the golden file before committing it.
enum GoldenFile {
    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden")
    }

    static var recording: Bool { ProcessInfo.processInfo.environment["SWITCHY_RECORD_GOLDEN"] == "1" }

    static func check(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = folder.appendingPathComponent(name)
        if recording {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("no golden file \(name): run the tests with SWITCHY_RECORD_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        if text != expected {
            let got = text.split(separator: "\n", omittingEmptySubsequences: false)
            let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let line = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? Swift.min(got.count, want.count)
            let shown = line < got.count ? String(got[line]) : "(end of output)"
            let wanted = line < want.count ? String(want[line]) : "(end of file)"
            let message: String = "\(name) differs at line \(line + 1):\n  got:      \(shown)\n  expected: \(wanted)\n"
                + "(if the change is intended, re-record with SWITCHY_RECORD_GOLDEN=1 and review the diff)"
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
    }
}
