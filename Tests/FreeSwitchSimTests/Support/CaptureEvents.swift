import ESL
import TestSupport

/// The events of a real capture, decoded with the ESL module's own decoder.
enum CaptureEvents {
    /// Every event frame of `<name>.raw`, in wire order.
    static func load(_ name: String) throws -> [Event] {
        var decoder = FrameDecoder()
        decoder.append(try Fixtures.raw(name))
        var events: [Event] = []
        while let frame = try decoder.next() {
            if frame.contentType.isEvent { events.append(try Event(frame: frame)) }
        }
        return events
    }

    /// The originate lines a capture's client sent (`bgapi originate …`), in order,
    /// without the `bgapi ` prefix, and their Job-UUID headers if any.
    static func originates(_ name: String) throws -> [(command: String, jobUUID: String?)] {
        try SentScript.load(name).sends.compactMap { send in
            let lines = send.text.split(separator: "\n")
            guard let first = lines.first, first.hasPrefix("bgapi originate") else { return nil }
            let job = lines.dropFirst().first { $0.hasPrefix("Job-UUID: ") }.map { String($0.dropFirst(10)) }
            return (String(first.dropFirst(6)), job)
        }
    }
}

/// One event reduced to what the golden tests compare: its name and the set of its
/// header names (values aside).
struct EventShape: Equatable, CustomStringConvertible {
    let name: String
    let headers: Set<String>

    init(_ event: Event) {
        name = event.name ?? "?"
        headers = Set(event.headerNames)
    }

    init(name: String, headers: Set<String>) {
        self.name = name
        self.headers = headers
    }

    var description: String { "\(name)(\(headers.count))" }

    /// What differs from `other`, for a readable failure.
    func difference(from other: EventShape) -> String {
        "\(name): extra \(headers.subtracting(other.headers).sorted()), missing \(other.headers.subtracting(headers).sorted())"
    }
}
