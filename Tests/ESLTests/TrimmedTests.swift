@testable import ESL
import Testing

/// `trimmed` trims ASCII ends as bytes: it must give what trimming by
/// `Character.isWhitespace` gives, for every text, Unicode spaces and CR LF included.
@Suite struct TrimmedTests {
    static let pieces = ["a", "é", " ", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{00A0}", "\u{0085}", "\u{2028}", "\u{3000}", "+OK"]

    @Test func everyTextOfUpToFourPiecesTrimsAsByCharacter() {
        var texts = [""]
        var mismatches: [String] = []
        for _ in 0..<4 {
            texts = texts.flatMap { text in Self.pieces.map { text + $0 } }
            for text in texts where text.trimmed != text.trimmedByCharacter {
                mismatches.append(text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " "))
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        #expect(texts.count == Self.pieces.count * Self.pieces.count * Self.pieces.count * Self.pieces.count)
    }

    @Test func aJobResultLosesItsLineBreakOnly() {
        #expect("+OK 5b1e0c7a-2f43-4d55-9a0e-1c2d3e4f5a6b\n".trimmed == "+OK 5b1e0c7a-2f43-4d55-9a0e-1c2d3e4f5a6b")
        #expect("-ERR NO_ANSWER\r\n".trimmed == "-ERR NO_ANSWER")
        #expect(" \t\n".trimmed.isEmpty)
    }
}
