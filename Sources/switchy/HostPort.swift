/// `HOST[:PORT]` as written on the command line (`[::1]:8021` for IPv6).
struct HostPort: Equatable {
    var host: String
    var port: Int

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    init(parsing text: String, defaultPort: Int) throws {
        var host = Substring(text)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw ParseError(description: "'\(text)': missing ']' after the IPv6 address")
            }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw ParseError(description: "'\(text)': expected ':PORT' after ']'") }
                portText = rest.dropFirst()
            }
        } else if let colon = host.lastIndex(of: ":"), host.firstIndex(of: ":") == colon {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty else { throw ParseError(description: "'\(text)': missing host") }
        self.host = String(host)
        if let portText {
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw ParseError(description: "'\(text)': the port must be a number from 1 to 65535")
            }
            self.port = port
        } else {
            self.port = defaultPort
        }
    }
}
