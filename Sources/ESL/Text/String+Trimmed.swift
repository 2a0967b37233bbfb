extension String {
    /// The text without leading and trailing whitespace (spaces, tabs, line breaks):
    /// how a reply body or a job result is read.
    package var trimmed: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
