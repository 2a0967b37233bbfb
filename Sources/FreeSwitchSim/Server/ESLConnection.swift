#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ESL
import Foundation

/// One inbound ESL connection, served on its own thread as mod_event_socket does:
/// read a command, run it, reply; between commands (never inside one) write the
/// queued events. `api` runs inline, so `api originate` holds everything back.
///
/// The core offers events from its own lock (``offer(_:)``); they are filtered there,
/// queued, and serialized by this thread in the connection's current format.
final class ESLConnection: EventSink, @unchecked Sendable {
    static let goodbye = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
    /// mod_event_socket's `MAX_QUEUE_LEN` and `MAX_MISSED`.
    static let maximumQueue = 100_000
    static let maximumMissed = 500
    /// `POLLRDHUP` (Linux: the peer shut down its side), which Glibc's module map leaves out.
    static let peerClosed: Int16 = 0x2000

    let fd: Int32
    let core: SwitchCore
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let onEnd: @Sendable (ESLConnection) -> Void

    /// Guards everything below.
    private let lock = NSLock()
    private var subscription = Subscription()
    private var queue: [SimEvent] = []
    private var queueHead = 0
    private var offered = 0
    private var missed = 0
    private var killRequested = false
    private var closed = false

    private var reader = CommandReader()
    private var written = 0
    private var stallUntil: Int64?
    private var stalledOnce = false
    /// When the connection was accepted (core clock, µs): a `drop_at` at or before it
    /// spares it.
    private let openedAt: Int64
    /// Reused between drains, so big bursts do not allocate (and fault in) new pages.
    private var outputBuffer: [UInt8] = []
    /// The queue's other half: the drain takes the queue and leaves this one in its place.
    private var spareQueue: [SimEvent] = []

    init(fd: Int32, core: SwitchCore, onEnd: @escaping @Sendable (ESLConnection) -> Void) {
        self.fd = fd
        self.core = core
        self.onEnd = onEnd
        self.openedAt = core.clock.nowMicroseconds
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        wakeRead = fds[0]
        wakeWrite = fds[1]
        _ = fcntl(wakeRead, F_SETFL, fcntl(wakeRead, F_GETFL, 0) | O_NONBLOCK)
        _ = fcntl(wakeWrite, F_SETFL, fcntl(wakeWrite, F_GETFL, 0) | O_NONBLOCK)
    }

    /// Starts the connection's thread.
    func start() {
        let thread = Thread { [self] in
            run()
            core.removeSink(self)
            // Mark closed first: after this nobody touches the descriptors, whose
            // numbers the kernel may hand to the next connection.
            lock.withLock {
                closed = true
                POSIXSocket.shutdown(fd)
                POSIXSocket.close(fd)
                Glibc.close(wakeRead)
                Glibc.close(wakeWrite)
            }
            onEnd(self)
        }
        thread.name = "sim-esl \(fd)"
        thread.stackSize = 512 * 1024
        thread.start()
    }

    /// Ends the connection from outside (the slave stops).
    func terminate() {
        lock.withLock {
            if !closed { POSIXSocket.shutdown(fd) }
        }
    }

    // MARK: EventSink

    func offer(_ event: SimEvent) {
        lock.lock()
        defer { lock.unlock() }
        guard !closed, subscription.accepts(event) else { return }
        offered += 1
        if let every = core.faults.loseEveryNthEvent, every > 0, offered % every == 0 { return }
        guard queue.count - queueHead < Self.maximumQueue else {
            missed += 1
            if missed > Self.maximumMissed { killRequested = true }
            poke()
            return
        }
        missed = 0
        let wasEmpty = queue.count == queueHead
        queue.append(event)
        if wasEmpty { poke() }
    }

    /// Interrupts the thread's wait (new events, a clock advance).
    func wake() {
        lock.withLock {
            if !closed { poke() }
        }
    }

    /// Writes a byte to the wake pipe; `lock` must be held and the connection open.
    private func poke() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWrite, &byte, 1)
    }

    // MARK: The connection's thread

    private func run() {
        let faults = core.faults
        if faults.rudeRejection {
            write("Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n")
            sendNotice(Self.goodbye)
            return
        }
        write("Content-Type: auth/request\n\n")
        if core.isDown.load(ordering: .acquiring) {
            sendNotice(SwitchCore.shutdownNotice)
            return
        }
        let refuse = { faults.refuseAuth || (faults.refuseReconnect && self.core.dropped.load(ordering: .relaxed)) }
        guard authenticate(refuse: refuse) else { return }
        core.addSink(self)
        // The command taken from the reader and the clock time (µs) from which its
        // `slow_commands` time runs: when it was taken, or when the one before it was
        // done, whichever is later.
        var held: (command: CommandReader.Command, since: Int64)?
        var loopFreeAt = Int64.min
        while true {
            guard drainEvents() else { return }
            if held == nil, let command = reader.next() {
                held = (command, max(core.clock.nowMicroseconds, loopFreeAt))
            }
            if let (command, since) = held {
                let due = since + Int64(core.faults.slowCommandMilliseconds * 1000)
                if core.clock.nowMicroseconds < due {
                    guard waitForClock(until: due) else { return }
                    continue
                }
                held = nil
                loopFreeAt = due
                guard handle(command) else { return }
                continue
            }
            guard waitForInput() else { return }
        }
    }

    /// The first-packet loop of `listener_run` (esl-protocol.md §2.1–2.2).
    /// - Parameter refuse: whether to refuse the password, asked when `auth` arrives.
    private func authenticate(refuse: () -> Bool) -> Bool {
        // The first packet may take until the wall clock reaches the connect second + 25.
        let deadline = (Int64(Date().timeIntervalSince1970) + 25) * 1_000_000
        var first = true
        while true {
            guard let command = readCommand(deadline: first ? deadline : nil) else {
                if core.isDown.load(ordering: .acquiring) {
                    sendNotice(SwitchCore.shutdownNotice)
                } else if first {
                    sendNotice(Self.goodbye)
                }
                return false
            }
            first = false
            let lower = command.line.lowercased()
            if lower.hasPrefix("auth ") {
                if !refuse(), String(command.line.dropFirst(5)) == core.password {
                    reply("+OK accepted")
                    return true
                }
                reply("-ERR invalid")
                sendNotice(Self.goodbye)
                return false
            }
            if lower.hasPrefix("exit") || lower.hasPrefix("...") {
                reply("+OK bye")
                sendNotice(Self.goodbye)
                return false
            }
            reply("-ERR command not found")
        }
    }

    /// Blocks until a whole command is buffered; nil on EOF, when `deadline` (wall µs)
    /// passes, or when a graceful shutdown closes the sockets.
    private func readCommand(deadline: Int64?) -> CommandReader.Command? {
        while true {
            if let command = reader.next() { return command }
            if core.isDown.load(ordering: .acquiring) { return nil }
            var timeout: Int32 = -1
            if let deadline {
                let left = deadline - Int64(Date().timeIntervalSince1970 * 1_000_000)
                if left <= 0 { return nil }
                timeout = Int32(left / 1000 + 1)
            }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, timeout)
            if ready < 0, errno == EINTR { continue }
            if fds[1].revents != 0 { emptyWakePipe() }
            if fds[0].revents == 0 { continue }
            guard readSocket() else { return nil }
        }
    }

    private func emptyWakePipe() {
        var sink = [UInt8](repeating: 0, count: 256)
        _ = Glibc.read(wakeRead, &sink, sink.count)
    }

    /// Reads what the socket has into the command reader; false on EOF or error.
    private func readSocket() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let count = buffer.withUnsafeMutableBytes { raw in
            (try? POSIXSocket.read(fd, into: raw)) ?? 0
        }
        guard count > 0 else { return false }
        reader.append(Array(buffer[0..<count]))
        return true
    }

    /// Waits for client bytes or a wake-up; false when the connection must end.
    private func waitForInput() -> Bool {
        var timeout: Int32 = -1
        let now = core.clock.nowMicroseconds
        if !core.clock.isManual {
            if let stallUntil { timeout = Int32(max(1, (stallUntil - now) / 1000)) }
            if let at = dropDeadline() { timeout = min(timeout < 0 ? Int32.max : timeout, Int32(max(1, (at - now) / 1000))) }
        }
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        let ready = poll(&fds, 2, timeout)
        if ready < 0 { return errno == EINTR }
        if fds[1].revents != 0 { emptyWakePipe() }
        if fds[0].revents != 0 { return readSocket() }
        return true
    }

    /// Waits until the clock reaches `due` (µs) without reading the socket (`slow_commands`
    /// holds a command): woken early by events to write or a manual clock's advance;
    /// false when the connection must end (the client closed it, or the slave stops:
    /// the commands still unread go with it).
    private func waitForClock(until due: Int64) -> Bool {
        var timeout: Int32 = -1
        if !core.clock.isManual {
            let now = core.clock.nowMicroseconds
            var until = due
            if let stallUntil { until = min(until, stallUntil) }
            if let at = dropDeadline() { until = min(until, at) }
            timeout = Int32(clamping: max(1, (until - now + 999) / 1000))
        }
        // The socket is watched only for its end (the client gone, or the slave
        // stopping), never read.
        var fds = [
            pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
            pollfd(fd: fd, events: Self.peerClosed, revents: 0),
        ]
        let ready = poll(&fds, 2, timeout)
        if ready < 0 { return errno == EINTR }
        if fds[0].revents != 0 { emptyWakePipe() }
        return fds[1].revents == 0
    }

    /// When `drop_at` closes this connection: nil if it has no such fault, or if the
    /// connection was opened at or after that time (the drop happens once).
    private func dropDeadline() -> Int64? {
        guard let seconds = core.faults.dropAtSeconds else { return nil }
        let at = core.startedAt + Int64(seconds * 1_000_000)
        return openedAt < at ? at : nil
    }

    /// Ends the connection for a drop fault: no notice, and remembered by the core.
    private func dropped() -> Bool {
        core.dropped.store(true, ordering: .relaxed)
        return false
    }

    /// Writes the queued events (unless stalled); false when the connection must end.
    /// After a graceful shutdown: every queued event, then the notice.
    private func drainEvents() -> Bool {
        let faults = core.faults
        let now = core.clock.nowMicroseconds
        if let at = dropDeadline(), now >= at { return dropped() }
        // Read before taking the queue: the core sets it after queueing its last event.
        let down = core.isDown.load(ordering: .acquiring)
        if down {
            stallUntil = nil
        } else if let until = stallUntil {
            if now < until { return true }
            stallUntil = nil
        }
        // Swap the queue for the spare one: no copy, and both keep their capacity.
        var events = spareQueue
        spareQueue = []
        let (format, kill) = lock.withLock { () -> (Subscription.Format, Bool) in
            swap(&queue, &events)
            if queueHead > 0 { events.removeFirst(queueHead) }
            queueHead = 0
            return (subscription.format, killRequested)
        }
        defer {
            events.removeAll(keepingCapacity: true)
            spareQueue = events
        }
        if kill {
            sendNotice("killed listener because of lost events\n")
            return false
        }
        // Take the buffer (not a second reference to it): emptying a shared buffer
        // would allocate a fresh one, and at this size every drain would then map,
        // fault in and unmap new pages.
        var output = outputBuffer
        outputBuffer = []
        output.removeAll(keepingCapacity: true)
        defer { outputBuffer = output }
        for (index, event) in events.enumerated() {
            if output.count >= 256 * 1024 {
                write(output)
                output.removeAll(keepingCapacity: true)
            }
            switch format {
            case .plain: event.appendPlainFrame(to: &output)
            case .json: output += event.jsonFrame()
            case .xml: output += event.xmlFrame()
            }
            written += 1
            if let limit = faults.malformedFrameAfterEvents, written >= limit,
                core.malformedWritten.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
            {
                output += Array("Content-Type: text/event-plain\nthis line has no colon\n\n".utf8)
            }
            if let limit = faults.dropAfterEvents, written >= limit {
                write(output)
                return dropped()
            }
            if let limit = faults.dropOnceAfterEvents, written >= limit,
                core.dropped.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
            {
                write(output)
                return false
            }
            if let limit = faults.stallAfterEvents, !down, !stalledOnce, written >= limit, faults.stallSeconds > 0 {
                stalledOnce = true
                stallUntil = now + Int64(faults.stallSeconds * 1_000_000)
                requeue(Array(events[(index + 1)...]))
                core.locked { core.noteStall() }
                break
            }
        }
        if !output.isEmpty { write(output) }
        if down {
            sendNotice(SwitchCore.shutdownNotice)
            return false
        }
        return true
    }

    private func requeue(_ events: [SimEvent]) {
        lock.withLock { queue.insert(contentsOf: events, at: 0) }
    }

    // MARK: Writing

    func write(_ text: String) { write(Array(text.utf8)) }

    func write(_ bytes: [UInt8]) {
        try? POSIXSocket.writeAll(fd, bytes)
    }

    func reply(_ text: String, extra: [(String, String)] = []) {
        var out = "Content-Type: command/reply\nReply-Text: \(text)\n"
        for (name, value) in extra { out += "\(name): \(value)\n" }
        write(out + "\n")
    }

    func apiResponse(_ body: String) {
        write("Content-Type: api/response\nContent-Length: \(body.utf8.count)\n\n" + body)
    }

    func sendNotice(_ body: String) {
        write("Content-Type: text/disconnect-notice\nContent-Length: \(body.utf8.count)\n\n" + body)
    }

    // MARK: Commands

    /// Runs one command; false when the connection must end.
    private func handle(_ command: CommandReader.Command) -> Bool {
        let line = command.line
        let lower = line.lowercased()
        func rest(_ keyword: String) -> String {
            String(line.dropFirst(keyword.count).drop { $0 == " " })
        }
        if lower.hasPrefix("exit") || lower.hasPrefix("...") {
            reply("+OK bye")
            sendNotice(Self.goodbye)
            return false
        }
        if lower.hasPrefix("api ") {
            runAPI(rest("api"))
        } else if lower.hasPrefix("bgapi ") {
            runBackground(rest("bgapi"), jobUUID: command.header("Job-UUID"))
        } else if lower.hasPrefix("filter") {
            let arguments = rest("filter")
            reply(arguments.isEmpty ? "-ERR command not found" : lock.withLock { subscription.filter(arguments) })
        } else if lower.hasPrefix("nixevent") {
            reply(lock.withLock { subscription.unsubscribe(rest("nixevent")) })
        } else if lower.hasPrefix("noevents") {
            let was = lock.withLock { () -> Bool in
                queue.removeAll()
                queueHead = 0
                return subscription.clear()
            }
            reply(was ? "+OK no longer listening for events" : "-ERR not listening for events")
        } else if lower.hasPrefix("event") {
            let words = line.split(separator: " ", maxSplits: 1)
            reply(lock.withLock { subscription.subscribe(words.count > 1 ? String(words[1]) : "") })
        } else {
            reply(SessionReplies.reply(to: line, state: &sessionState))
        }
        return true
    }

    private var sessionState = SessionReplies.State()

    /// `api`: runs inline; an originate blocks this thread until it resolves.
    private func runAPI(_ text: String) {
        let (command, arguments) = Self.splitCommand(text)
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        core.locked {
            core.runAPI(command, arguments) { body in
                result.body = body
                done.signal()
            }
        }
        done.wait()
        let body = result.body
        apiResponse(body.isEmpty ? "-ERR no reply\n" : body)
    }

    /// `bgapi`: replies at once, runs the command, and fires BACKGROUND_JOB with its output.
    ///
    /// The job starts before the reply is written (its events wait in this connection's
    /// queue, which is written only after the reply), so a test that has seen the
    /// reply knows the job's timers exist: advancing a manual clock then fires them.
    private func runBackground(_ text: String, jobUUID: String?) {
        let id = jobUUID.map { String($0.prefix(255)) } ?? core.locked { core.random.uuid() }
        let (command, arguments) = Self.splitCommand(text)
        core.locked { core.runBackgroundJob(id: id, command: command, arguments: arguments) }
        reply("+OK Job-UUID: \(id)", extra: [("Job-UUID", id)])
    }

    static func splitCommand(_ text: String) -> (String, String) {
        guard let space = text.firstIndex(of: " ") else { return (text, "") }
        return (String(text[..<space]), String(text[text.index(after: space)...]))
    }
}

/// Carries an api result from the core's lock to the waiting connection thread.
private final class ResultBox: @unchecked Sendable {
    var body = ""
}
