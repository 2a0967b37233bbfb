/// A CSV file read back (RFC 4180: quoted fields may hold commas, quotes and line
/// breaks), with its header row indexing the columns by name. A field's leading `'`
/// (how ``CallsCSVWriter/neutralise(_:)`` guards against formula injection) is dropped,
/// so a field reads back as it was before writing.
struct CSVTable {
    /// The header row.
    let columns: [String]
    /// The data rows, each as long as the header.
    let rows: [[String]]
    private let index: [String: Int]

    /// Parses `text`; `file` names the file in errors.
    /// - Throws: ``ReportError`` for an empty file, an unterminated quote, or a row whose
    ///   field count differs from the header's (naming the line).
    init(_ text: String, file: String) throws(ReportError) {
        var records = try Self.parse(Array(text.utf8), file: file)
        guard !records.isEmpty, let header = records.first?.fields, !(header.count == 1 && header[0].isEmpty) else {
            throw ReportError(path: file, reason: "empty file (no header row)")
        }
        records.removeFirst()
        for record in records where record.fields.count != header.count {
            throw ReportError(
                path: file, reason: "line \(record.line): \(record.fields.count) fields, the header has \(header.count)")
        }
        columns = header
        rows = records.map(\.fields)
        index = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The position of a column, nil when the file has no such column.
    func column(_ name: String) -> Int? { index[name] }

    /// Checks that every column in `names` is present.
    func require(_ names: [String], file: String) throws(ReportError) {
        let missing = names.filter { index[$0] == nil }
        if !missing.isEmpty {
            throw ReportError(path: file, reason: "missing column(s): \(missing.joined(separator: ", "))")
        }
    }

    /// A field's text, less the leading `'` a neutralised field has.
    private static func text(_ field: [UInt8]) -> String {
        String(decoding: field.first == UInt8(ascii: "'") ? field.dropFirst() : field[...], as: UTF8.self)
    }

    /// Records with the 1-based line each starts on; a blank last line is not a record.
    private static func parse(_ bytes: [UInt8], file: String) throws(ReportError) -> [(line: Int, fields: [String])] {
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var i = 0
        var inQuotes = false
        var atRecordStart = true
        while i < bytes.count {
            let byte = bytes[i]
            if inQuotes {
                if byte == quote {
                    if i + 1 < bytes.count, bytes[i + 1] == quote {
                        field.append(quote)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == newline { line += 1 }
                    field.append(byte)
                }
            } else if byte == quote && field.isEmpty {
                inQuotes = true
                atRecordStart = false
            } else if byte == comma {
                fields.append(text(field))
                field.removeAll(keepingCapacity: true)
                atRecordStart = false
            } else if byte == newline || byte == cr {
                if byte == cr, i + 1 < bytes.count, bytes[i + 1] == newline { i += 1 }
                if !atRecordStart {
                    fields.append(text(field))
                    records.append((recordLine, fields))
                }
                fields.removeAll(keepingCapacity: true)
                field.removeAll(keepingCapacity: true)
                line += 1
                recordLine = line
                atRecordStart = true
            } else {
                field.append(byte)
                atRecordStart = false
            }
            i += 1
        }
        if inQuotes { throw ReportError(path: file, reason: "line \(recordLine): a quoted field is never closed") }
        if !atRecordStart {
            fields.append(text(field))
            records.append((recordLine, fields))
        }
        return records
    }
}
