import ESL
import Foundation

/// A blocking HTTP/1.1 GET on a raw socket, for tests of HTTP endpoints (the metrics
/// endpoint, a Prometheus server's API): one request, `Connection: close`, the whole
/// response read to EOF. Call it off the cooperative pool (``CLIRunner/offThePool(_:)``).
public enum HTTPFetch {
    public struct Response: Sendable {
        public var status: Int
        /// Header fields, names lowercased.
        public var headers: [String: String]
        public var body: String
    }

    /// Why a fetch failed.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func get(
        host: String = "127.0.0.1", port: Int, path: String, headers: [String: String] = [:], timeout: Double = 10
    ) throws -> Response {
        let fd = try POSIXSocket.connect(host: host, port: port, timeout: timeout)
        defer { POSIXSocket.close(fd) }
        POSIXSocket.setReceiveTimeout(fd, seconds: timeout)
        var request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        try POSIXSocket.writeAll(fd, Array((request + "\r\n").utf8))
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try POSIXSocket.read(fd, into: $0) }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "no response head in \(text.debugDescription)") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw Failure(description: "bad status line \(lines[0].debugDescription)")
        }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = String(text[split.upperBound...])
        if fields["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return Response(status: status, headers: fields, body: body)
    }

    /// A chunked body's data (Prometheus' API answers chunked).
    static func dechunk(_ body: String) -> String {
        var rest = Substring(body)
        var data = ""
        while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound].split(separator: ";")[0], radix: 16),
            size > 0
        {
            let start = rest.utf8.index(lineEnd.upperBound, offsetBy: 0)
            let end = rest.utf8.index(start, offsetBy: size)
            data += rest[start..<end]
            rest = rest[end...].dropFirst(2)
        }
        return data
    }
}
