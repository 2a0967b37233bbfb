import LoadTest

/// `--metrics [ADDR:]PORT` and `--metrics-linger S` of `switchy run`: where to serve
/// the live metrics, and for how long after the run.
struct MetricsOptions: Equatable {
    /// Loopback unless an address is given: the endpoint says what a run does.
    static let defaultHost = "127.0.0.1"

    var host: String
    /// 0 picks a free port (the start line says which).
    var port: Int
    /// Seconds to keep serving once the run is over.
    var linger = 0.0

    /// `PORT`, `ADDR:PORT`, `:PORT` or `[IPv6]:PORT`.
    init(parsing text: String) throws(ArgumentScanner.UsageError) {
        let expected = "expects [ADDR:]PORT, e.g. 9464 or 127.0.0.1:9464"
        var hostText = Self.defaultHost
        var portText = Substring(text)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[close...].hasPrefix("]:") else {
                throw .init("--metrics \(expected), got '\(text)'")
            }
            hostText = String(text[text.index(after: text.startIndex)..<close])
            portText = text[text.index(close, offsetBy: 2)...]
        } else if let colon = text.lastIndex(of: ":") {
            guard text.firstIndex(of: ":") == colon else {
                throw .init("--metrics '\(text)': write an IPv6 address in brackets, e.g. [::1]:9464")
            }
            if colon != text.startIndex { hostText = String(text[..<colon]) }
            portText = text[text.index(after: colon)...]
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw .init("--metrics \(expected) (a port from 0 to 65535), got '\(text)'")
        }
        guard !hostText.isEmpty else { throw .init("--metrics \(expected), got '\(text)'") }
        host = hostText
        self.port = port
    }

    /// Starts serving `sink`'s metrics.
    /// - Throws: a usage error saying why the address cannot be listened on.
    func serve(_ sink: LiveMetricsSink) throws(ArgumentScanner.UsageError) -> MetricsServer {
        do {
            return try MetricsServer(host: host, port: port) { accept in sink.render(accept: accept) }
        } catch {
            throw .init("--metrics: \(error)")
        }
    }
}
