import Testing

@testable import switchy

/// `--metrics [ADDR:]PORT`: what each spelling listens on.
@Suite struct MetricsOptionsTests {
    @Test(arguments: [
        // A port alone: loopback.
        ("9464", "127.0.0.1", 9464),
        (":9464", "127.0.0.1", 9464),
        // Port 0: a free one, picked when listening.
        ("0", "127.0.0.1", 0),
        ("0.0.0.0:9464", "0.0.0.0", 9464),
        ("localhost:80", "localhost", 80),
        ("[::1]:9464", "::1", 9464),
    ])
    func accepted(text: String, host: String, port: Int) throws {
        let options = try MetricsOptions(parsing: text)
        #expect(options.host == host && options.port == port && options.linger == 0)
    }

    @Test(arguments: ["", "x", "65536", "-1", "127.0.0.1:", "::1", "[::1]", "[::1]9464", "127.0.0.1:http"])
    func refused(text: String) {
        #expect(throws: ArgumentScanner.UsageError.self) { try MetricsOptions(parsing: text) }
    }
}
