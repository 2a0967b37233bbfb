extension String {
    /// The text without leading and trailing whitespace (spaces, tabs, line breaks, and
    /// any other `Character.isWhitespace`): how a reply body or a job result is read.
    ///
    /// ASCII ends are trimmed as bytes (a job result per call comes through here, and
    /// `Character.isWhitespace` looks up Unicode properties); a non-ASCII byte at an end
    /// may belong to a Unicode space, so such a text is trimmed by `Character`.
    package var trimmed: String {
        var text = self
        let trimmedASCII: String?? = text.withUTF8 { bytes in
            var start = 0
            var end = bytes.count
            while start < end, Self.isASCIIWhitespace(bytes[start]) { start += 1 }
            while end > start, Self.isASCIIWhitespace(bytes[end - 1]) { end -= 1 }
            if start < end, bytes[start] >= 0x80 || bytes[end - 1] >= 0x80 { return nil }
            if start == 0, end == bytes.count { return .some(nil) }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        switch trimmedASCII {
        case .some(.some(let trimmed)): return trimmed
        case .some(.none): return self
        case .none: return trimmedByCharacter
        }
    }

    /// ``trimmed`` by `Character.isWhitespace` alone.
    var trimmedByCharacter: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }

    /// Space, tab, LF, vertical tab, form feed, CR: the ASCII bytes that are
    /// whitespace `Character`s (alone or as CR LF).
    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
