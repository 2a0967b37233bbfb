import Foundation

/// The benchmark's only writers: results (and the child processes' replies) on stdout,
/// progress and errors on stderr, each a whole line in one write.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}
