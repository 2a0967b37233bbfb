/// Splits the bytes a client sends into commands as mod_event_socket's `read_packet`
/// does (esl-protocol.md §1.5): CR/LF before a command is skipped, the header block
/// ends at two LFs with only CRs between them, and a `Content-Length` header brings a
/// body.
struct CommandReader {
    /// One command: its first line, the later header lines, and the body.
    struct Command {
        var line: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        /// A later header's value (case-insensitive name), trailing spaces kept.
        func header(_ name: String) -> String? {
            headers.last { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    private var buffer: [UInt8] = []

    mutating func append(_ bytes: UnsafeRawBufferPointer) { buffer.append(contentsOf: bytes) }
    mutating func append(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }

    /// True when bytes of an unfinished command are buffered.
    var hasPartial: Bool { buffer.contains { $0 != 0x0A && $0 != 0x0D } }

    /// The next complete command, if one is buffered.
    mutating func next() -> Command? {
        var start = 0
        while start < buffer.count, buffer[start] == 0x0A || buffer[start] == 0x0D { start += 1 }
        guard start < buffer.count else {
            buffer.removeAll(keepingCapacity: true)
            return nil
        }
        var index = start
        var end: Int?
        while index < buffer.count {
            if buffer[index] == 0x0A {
                var next = index + 1
                while next < buffer.count, buffer[next] == 0x0D { next += 1 }
                if next < buffer.count, buffer[next] == 0x0A {
                    end = next + 1
                    break
                }
            }
            index += 1
        }
        guard let blockEnd = end else { return nil }
        // Split on LF bytes (a String would treat CR LF as one character), drop CRs.
        let lines = buffer[start..<blockEnd].split(separator: 0x0A).map {
            String(decoding: $0.filter { $0 != 0x0D }, as: UTF8.self)
        }.filter { !$0.isEmpty }
        guard let line = lines.first else {
            buffer.removeSubrange(0..<blockEnd)
            return next()
        }
        var headers: [(name: String, value: String)] = []
        for header in lines.dropFirst() {
            guard let colon = header.firstIndex(of: ":") else { continue }
            let value = header[header.index(after: colon)...].drop { $0 == " " }
            headers.append((String(header[..<colon]), String(value)))
        }
        var command = Command(line: line, headers: headers, body: [])
        if let length = command.header("Content-Length").flatMap({ Int($0) }), length > 0 {
            guard buffer.count >= blockEnd + length else { return nil }
            command.body = Array(buffer[blockEnd..<blockEnd + length])
            buffer.removeSubrange(0..<blockEnd + length)
        } else {
            buffer.removeSubrange(0..<blockEnd)
        }
        return command
    }
}
