public import ESL
import Foundation
import Synchronization

/// Listens to one slave's events on a connection of its own and tracks what they say:
/// the ``Session``s and ``Call``s of this run, the ``Job``s of `bgapi`, the slave's
/// heartbeat. It routes each call's events to the ``CallApp`` named by the call's
/// `switchy_app` variable, and to callbacks registered with ``on(_:_:)``.
///
/// ```swift
/// let listener = EventListener(host: "10.0.0.5")
/// let client = Client(host: "10.0.0.5", listener: listener)
/// try await client.connect()
/// try await listener.connect()
/// try listener.start()
/// ```
///
/// `connect()` subscribes (plain format) to the channel events, BACKGROUND_JOB,
/// HEARTBEAT and SHUTDOWN (a graceful shutdown's first sign), with FreeSWITCH filters
/// that pass only this run's calls (ARCHITECTURE.md, "Correlation"):
/// `variable_switchy_run <runID>`, `variable_sip_h_X-switchy_run <runID>`,
/// `Event-Name BACKGROUND_JOB`, `Event-Name HEARTBEAT`, `Event-Name SHUTDOWN`.
///
/// Two threads do the work. The connection's reader thread decodes each event and
/// tracks it: calls and sessions, jobs, the heartbeat, under locks that belong to this
/// listener alone (no other listener shares them, so one slave's events never wait
/// for another's). Everything else, the apps' callbacks and those registered with
/// ``on(_:_:)``, ``onCallEnded(_:)`` and ``onDisconnect(_:)``, runs on the listener's
/// callback thread, fed through a queue in wire order, so a slow callback delays other
/// callbacks but never the socket. ``callbackBacklog`` gives the queue's depth and
/// high-water mark; what happens when it is full is said at ``Backlog``. (Within the
/// package, a load run's own bookkeeping registers with ``onReader(_:_:)`` and
/// ``onCallEndedOnReader(_:)`` instead: short, non-blocking handlers run on the reader
/// thread, which saves two thread hand-offs per call.)
///
/// The collections are snapshots, safe to read from any thread. A callback that reads
/// them sees the listener as it is when the callback runs, which may already include
/// later events of the stream.
public final class EventListener: Sendable {
    public let host: String
    public let port: Int
    /// The id our originates carry in `switchy_run`; the filters pass only its calls.
    public let runID: String
    private let password: String
    private let clock: @Sendable () -> Int64

    private let connection = Mutex<Connection?>(nil)
    private let tracker: Mutex<CallTracker>
    private let registry = Mutex(Registry())
    /// Whether the registry holds a callback or an app an event could go to, kept
    /// with every change of it (``changeRegistry(_:)``), so a listener without any
    /// never takes the registry's lock on the reader.
    private let hasCallbacks = Atomic<Bool>(false)
    package let jobTable = JobTable()
    private let latestHeartbeat = Mutex<Heartbeat?>(nil)
    private let handled = Atomic<Int>(0)
    private let callbacks: CallbackQueue

    /// Event names every listener subscribes to.
    public static let baseEvents = [
        "CHANNEL_CREATE", "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA", "CHANNEL_ANSWER", "CHANNEL_HANGUP",
        "CHANNEL_HANGUP_COMPLETE", "CHANNEL_DESTROY", "CHANNEL_PARK", "CHANNEL_EXECUTE_COMPLETE", "CALL_UPDATE",
        "BACKGROUND_JOB", "HEARTBEAT", "SHUTDOWN",
    ]

    /// What the tracker itself reads: ``baseEvents`` without CHANNEL_PARK,
    /// CHANNEL_EXECUTE_COMPLETE and CALL_UPDATE, which mark nothing on a leg and are
    /// there for apps. A load run whose apps receive no events subscribes to these
    /// only: two events fewer per parked call for FreeSWITCH to serialise and for
    /// the reader to decode.
    package static let trackingEvents = baseEvents.filter {
        !["CHANNEL_PARK", "CHANNEL_EXECUTE_COMPLETE", "CALL_UPDATE"].contains($0)
    }

    /// The event names ``connect(options:filtered:)`` subscribes to.
    package let events: [String]

    typealias EventHandler = @Sendable (Event, Session?) -> Void
    typealias CallEndedHandler = @Sendable (Call) -> Void

    /// The handlers of one event name, or of call ends: those queued for the callback
    /// thread (``on(_:_:)``, ``onCallEnded(_:)``) and those run on the reader
    /// (``onReader(_:_:)``, ``onCallEndedOnReader(_:)``).
    private struct Handlers<Handler: Sendable>: Sendable {
        var queued: [(id: Int, handler: Handler)] = []
        var onReader: [(id: Int, handler: Handler)] = []

        var isEmpty: Bool { queued.isEmpty && onReader.isEmpty }

        mutating func add(_ id: Int, _ handler: Handler, onReader reader: Bool) {
            if reader { onReader.append((id, handler)) } else { queued.append((id, handler)) }
        }

        mutating func remove(_ id: Int) {
            queued.removeAll { $0.id == id }
            onReader.removeAll { $0.id == id }
        }
    }

    private struct Registry {
        var nextID = 0
        /// By event name (`"*"`: every event).
        var handlers: [String: Handlers<EventHandler>] = [:] {
            didSet {
                allHandlers = handlers["*"] ?? Handlers()
                recentNames = []
            }
        }
        /// `handlers["*"]`, looked up once per change.
        private var allHandlers = Handlers<EventHandler>()
        /// The names events came with since the handlers last changed, as their bytes,
        /// with their handlers: an event's name is matched as bytes against these
        /// (a few short byte comparisons) instead of being made into a `String` and hashed.
        private var recentNames: [(bytes: [UInt8], name: String, named: Handlers<EventHandler>)] = []
        /// Names beyond these are looked up by `String` each time.
        private static let recentNamesLimit = 32
        var callEnded = Handlers<CallEndedHandler>()
        var disconnected: [(id: Int, handler: @Sendable (ESLError) -> Void)] = []
        var apps: [AppID: (app: any CallApp, context: AppContext)] = [:] {
            didSet { receivingApps = apps.filter { $0.value.app.receivesEvents } }
        }
        /// The apps whose ``CallApp/receivesEvents``: those an event is delivered to.
        private(set) var receivingApps: [AppID: (app: any CallApp, context: AppContext)] = [:]
        /// Subscriptions added for apps, replayed when the listener connects again.
        var extraSubscriptions: [(names: [String], byName: Bool)] = []

        /// True when some event could call a callback or reach an app.
        var hasCallbacks: Bool {
            !receivingApps.isEmpty || !callEnded.isEmpty || handlers.values.contains { !$0.isEmpty }
        }

        /// Who an event may go to (the call-ended callbacks only if it ends a call);
        /// nil when it has no name.
        mutating func delivery(for event: Event) -> Delivery? {
            guard let raw = event.rawValue(of: "Event-Name") else { return nil }
            let (name, named) = handlers(named: raw, in: event)
            return Delivery(name: name, named: named, all: allHandlers, apps: receivingApps, ended: callEnded)
        }

        /// The event's name and its handlers, from ``recentNames`` when it is there.
        private mutating func handlers(named raw: ArraySlice<UInt8>, in event: Event) -> (String, Handlers<EventHandler>) {
            let known = raw.withUnsafeBufferPointer { raw in
                recentNames.firstIndex { entry in
                    entry.bytes.count == raw.count && entry.bytes.withUnsafeBufferPointer { $0.elementsEqual(raw) }
                }
            }
            if let known { return (recentNames[known].name, recentNames[known].named) }
            let name = event.name ?? ""
            let named = handlers[name] ?? Handlers()
            // The same bytes always decode to the same name (escapes included).
            if recentNames.count < Self.recentNamesLimit {
                recentNames.append((Array(raw), name, named))
            }
            return (name, named)
        }
    }

    /// The callbacks one event calls, taken from the registry when it is read.
    private struct Delivery: Sendable {
        var name: String
        var named: Handlers<EventHandler>
        var all: Handlers<EventHandler>
        var apps: [AppID: (app: any CallApp, context: AppContext)]
        var ended: Handlers<CallEndedHandler>

        /// The event's callbacks need the leg it concerns.
        var wantsSession: Bool { !named.isEmpty || !all.isEmpty || !apps.isEmpty }
    }

    /// - Parameters:
    ///   - runID: the run id to filter on (a new random one by default).
    ///   - keepVariables: keep every channel variable of each leg in
    ///     ``Session/variables`` (turn off at high call rates).
    ///   - clock: the local monotonic clock, in ns (Dispatch's uptime clock by default;
    ///     injectable for tests).
    ///   - callbackQueueCapacity: callbacks queued before the queue counts as full
    ///     (see ``Backlog``).
    public convenience init(
        host: String = "127.0.0.1", port: Int = 8021, password: String = "ClueCon", runID: String? = nil,
        keepVariables: Bool = true,
        clock: (@Sendable () -> Int64)? = nil,
        callbackQueueCapacity: Int = 16_384
    ) {
        self.init(
            host: host, port: port, password: password, runID: runID, keepVariables: keepVariables, clock: clock,
            callbackQueueCapacity: callbackQueueCapacity, events: Self.baseEvents)
    }

    /// As the public initialiser, subscribing to `events` (``baseEvents`` or
    /// ``trackingEvents``) instead of ``baseEvents``, with room for `expectedLegs` legs
    /// made at once.
    package init(
        host: String, port: Int, password: String, runID: String?, keepVariables: Bool,
        clock: (@Sendable () -> Int64)?, callbackQueueCapacity: Int = 16_384, events: [String], expectedLegs: Int = 0
    ) {
        self.events = events
        self.host = host
        self.port = port
        self.password = password
        self.runID = runID ?? String(UUID().uuidString.lowercased().prefix(8))
        self.clock = clock ?? { Int64(DispatchTime.now().uptimeNanoseconds) }
        var tracker = CallTracker(keepVariables: keepVariables)
        tracker.keepsEndedCalls = true
        tracker.reserveCapacity(legs: expectedLegs)
        self.tracker = Mutex(tracker)
        self.callbacks = CallbackQueue(capacity: callbackQueueCapacity, name: "switchy-callbacks \(host):\(port)")
    }

    deinit {
        callbacks.stop()
    }

    /// `host:port`.
    public var endpoint: String { "\(host):\(port)" }

    // MARK: Lifecycle

    /// Opens the event connection, subscribes and sets the filters. After a disconnect,
    /// calling it again reconnects and subscribes again (the apps' extra events too).
    /// - Parameter filtered: with false, no filters are set: every channel event of the
    ///   slave is tracked (costly on a busy box).
    public func connect(options: Connection.Options = Connection.Options(), filtered: Bool = true)
        async throws(ESLError)
    {
        let opened = try await Connection.connect(
            host: host, port: port, password: password, options: options,
            onEvent: { [weak self] event in self?.handle(event) },
            onClose: { [weak self] error in self?.connectionEnded(error) })
        connection.withLock { $0 = opened }
        do {
            try await expectOK(opened.send(.event(.plain, events)))
            if filtered {
                for (header, value) in [
                    ("variable_switchy_run", runID), ("variable_sip_h_X-switchy_run", runID),
                    ("Event-Name", "BACKGROUND_JOB"), ("Event-Name", "HEARTBEAT"), ("Event-Name", "SHUTDOWN"),
                ] {
                    try await expectOK(opened.send(.filter(header, value)))
                }
            }
            for (names, byName) in registry.withLock({ $0.extraSubscriptions }) {
                try await send(names, byName: byName, on: opened)
            }
        } catch {
            opened.close()
            throw error
        }
    }

    /// Checks that the listener is connected, as the original Switchy's `start()` did;
    /// it may be called more than once. It starts nothing: events are read, tracked and
    /// passed to the callbacks from ``connect(options:filtered:)`` on, since a socket
    /// must never go unread.
    /// - Throws: ``ClientError/notConnected(endpoint:)``.
    public func start() throws(ClientError) {
        guard isConnected else { throw .notConnected(endpoint: endpoint) }
    }

    /// Closes the event connection; waiting jobs fail as lost, tracked calls are dropped.
    public func stop() {
        connection.withLock { $0 }?.close()
    }

    /// True while the event connection is open.
    public var isConnected: Bool { connection.withLock { $0 }?.isOpen ?? false }

    // MARK: Collections

    /// The calls being tracked, by originating uuid.
    public var calls: CallsView { CallsView(listener: self) }
    /// The legs being tracked, by uuid.
    public var sessions: SessionsView { SessionsView(listener: self) }
    /// The background jobs waiting for their result, by Job-UUID.
    public var jobs: JobsView { JobsView(table: jobTable) }
    /// Events handled since the listener was made (the generator's own load).
    public var eventsHandled: Int { handled.load(ordering: .relaxed) }

    /// The slave's figures from its latest HEARTBEAT, if one has arrived.
    public var heartbeat: Heartbeat? { latestHeartbeat.withLock { $0 } }

    /// The callback queue's figures now.
    public var callbackBacklog: Backlog { callbacks.backlog }

    /// The callback queue between the reader thread and the callback thread.
    ///
    /// When `depth` reaches `capacity` the queue is full, yet the reader neither waits
    /// nor drops: the item is queued all the same and counted in `overflowed`.
    /// Waiting would leave the socket unread, and FreeSWITCH then drops events
    /// silently and may freeze event delivery to every client of the slave
    /// (esl-protocol.md §9); dropping would lose call endings. Growing memory in this
    /// process is the failure a run can see and report.
    public struct Backlog: Sendable, Equatable {
        /// Callbacks queued or running now (an event's callbacks count as one).
        public var depth: Int
        /// The largest `depth` since the listener was made.
        public var highWaterMark: Int
        /// The depth at which the queue counts as full.
        public var capacity: Int
        /// Items queued while the queue was full.
        public var overflowed: Int
    }

    /// Waits until every callback of the events read so far has run (for a caller
    /// that wants the callbacks' effects before it goes on, such as a test or the end
    /// of a run).
    public func waitForCallbacks() async {
        await callbacks.waitUntilRun()
    }

    /// Blocks the calling thread until every callback of the events handled so far has
    /// run; for tests that feed events with ``handle(_:)``. Never call it from a callback.
    package func drainCallbacks() {
        callbacks.runQueued()
    }

    /// A read-only view of the tracked calls.
    public struct CallsView: Sendable {
        let listener: EventListener
        public subscript(uuid: String) -> Call? { listener.tracker.withLock { $0.call(uuid) } }
        public var count: Int { listener.tracker.withLock { $0.calls.count } }
        public var all: [Call] { listener.tracker.withLock { $0.allCalls } }
    }

    /// A read-only view of the tracked legs.
    public struct SessionsView: Sendable {
        let listener: EventListener
        public subscript(uuid: String) -> Session? { listener.tracker.withLock { $0.session(uuid) } }
        public var count: Int { listener.tracker.withLock { $0.sessions.count } }
        public var all: [Session] { listener.tracker.withLock { $0.sessions.values } }
    }

    /// A read-only view of the waiting jobs.
    public struct JobsView: Sendable {
        let table: JobTable
        public subscript(uuid: String) -> Job? { table[uuid] }
        public var count: Int { table.count }
    }

    /// Stops tracking the call `uuid` (ended or not) and ignores the events that come
    /// for it later, so they can neither bring it back nor end it a second time. For a
    /// caller that has given up on a call (a load run records it as lost): without
    /// it, a call whose CHANNEL_DESTROY never comes (a slave that loses events) would
    /// be tracked until the listener disconnects.
    public func forgetCall(_ uuid: String) {
        tracker.withLock { $0.forget(callUUID: uuid) }
    }

    // MARK: Callbacks

    /// Calls `handler` on the callback thread for every event named `eventName` (`"*"`
    /// for all), with the leg it concerns when it is one of ours (as it was right after
    /// the event). Returns an id for ``removeCallback(_:)``.
    @discardableResult
    public func on(_ eventName: String, _ handler: @escaping @Sendable (Event, Session?) -> Void) -> Int {
        addHandler { $0.handlers[eventName, default: Handlers()].add($1, handler, onReader: false) }
    }

    /// Calls `handler` on the callback thread when a call ends (every leg destroyed).
    @discardableResult
    public func onCallEnded(_ handler: @escaping @Sendable (Call) -> Void) -> Int {
        addHandler { $0.callEnded.add($1, handler, onReader: false) }
    }

    /// Calls `handler` on the **reader thread** for every event named `eventName`, right
    /// after the event is tracked and before any callback of it is queued, with the leg
    /// it concerns as the event left it. For the package's own bookkeeping (a load run's
    /// answer and end of call): the handler must be short and never block or wait for
    /// another thread, since the socket is not read while it runs. Runs in wire order
    /// with ``onCallEndedOnReader(_:)``; callbacks queued for earlier events may still
    /// be waiting on the callback thread.
    @discardableResult
    package func onReader(_ eventName: String, _ handler: @escaping @Sendable (Event, Session?) -> Void) -> Int {
        addHandler { $0.handlers[eventName, default: Handlers()].add($1, handler, onReader: true) }
    }

    /// Calls `handler` on the **reader thread** when a call ends, as
    /// ``onReader(_:_:)`` does for events (same rules).
    @discardableResult
    package func onCallEndedOnReader(_ handler: @escaping @Sendable (Call) -> Void) -> Int {
        addHandler { $0.callEnded.add($1, handler, onReader: true) }
    }

    /// Calls `handler` on the callback thread once the event connection has ended, after
    /// the callbacks of every event read before.
    @discardableResult
    public func onDisconnect(_ handler: @escaping @Sendable (ESLError) -> Void) -> Int {
        registry.withLock { registry in
            registry.nextID += 1
            registry.disconnected.append((registry.nextID, handler))
            return registry.nextID
        }
    }

    /// Removes a callback registered with ``on(_:_:)``, ``onCallEnded(_:)``,
    /// ``onReader(_:_:)``, ``onCallEndedOnReader(_:)`` or ``onDisconnect(_:)``. Events read before still call it: which callbacks an event
    /// gets is decided when it is read.
    public func removeCallback(_ id: Int) {
        changeRegistry { registry in
            for name in registry.handlers.keys { registry.handlers[name]?.remove(id) }
            registry.callEnded.remove(id)
            registry.disconnected.removeAll { $0.id == id }
        }
    }

    // MARK: Apps (used by Client)

    func attach(_ control: SessionControl) {
        tracker.withLock { $0.control = control }
    }

    func register(_ app: any CallApp, context: AppContext) throws(ClientError) {
        try changeRegistry { registry throws(ClientError) in
            guard registry.apps[context.appID] == nil else { throw .appAlreadyLoaded(context.appID) }
            registry.apps[context.appID] = (app, context)
        }
    }

    func unregister(_ id: AppID) -> (app: any CallApp, context: AppContext)? {
        changeRegistry { $0.apps.removeValue(forKey: id) }
    }

    /// Adds a handler under a new id (`add` gets the registry and the id); returns the id.
    private func addHandler(_ add: (inout Registry, Int) -> Void) -> Int {
        changeRegistry { registry in
            registry.nextID += 1
            add(&registry, registry.nextID)
            return registry.nextID
        }
    }

    /// Changes the registry and keeps ``hasCallbacks`` in step, under its lock.
    private func changeRegistry<Result, Failure: Error>(
        _ body: (inout Registry) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try registry.withLock { registry throws(Failure) in
            defer { hasCallbacks.store(registry.hasCallbacks, ordering: .releasing) }
            return try body(&registry)
        }
    }

    /// Subscribes to more event names (for an app); with `byName`, a filter lets them
    /// through by name too (they carry no channel variables).
    func subscribe(_ names: [String], byName: Bool) async throws {
        guard !names.isEmpty else { return }
        registry.withLock { $0.extraSubscriptions.append((names, byName)) }
        guard let opened = connection.withLock({ $0 }) else { return }
        try await send(names, byName: byName, on: opened)
    }

    private func send(_ names: [String], byName: Bool, on opened: Connection) async throws(ESLError) {
        try expectOK(await opened.send(.event(.plain, names)))
        if byName {
            for name in names { try expectOK(await opened.send(.filter("Event-Name", name))) }
        }
    }

    // MARK: Event handling (reader thread)

    /// Handles one event on the reader thread: tracks it (calls, jobs, heartbeat), then
    /// queues the callbacks it calls, if any, for the callback thread. Internal so tests
    /// can feed captured events without a socket.
    package func handle(_ event: Event) {
        handled.add(1, ordering: .relaxed)
        // The name is matched as bytes, once: most events are tracked without a `String`.
        let kind = CallTracker.Kind(event)
        // Who the event may go to is decided first, so the tracker copies out only what
        // those callbacks need; with none registered, the registry is not even locked.
        let delivery =
            hasCallbacks.load(ordering: .acquiring) ? registry.withLock { $0.delivery(for: event) } : nil
        var session: Session?
        var call: Call?
        var endedCall: Call?
        switch kind {
        case .backgroundJob:
            jobTable.deliver(event)
        case .heartbeat:
            let figures = Heartbeat(event)
            latestHeartbeat.withLock { $0 = figures }
        case .notChannel:
            break
        default:
            let now = clock()
            let wantsSession = delivery?.wantsSession ?? false
            // The call's snapshot (an array of its legs) is only needed to find and feed
            // an app. Taken here, under the same lock, it is the call as this event left it.
            let wantsCall = delivery.map { !$0.apps.isEmpty } ?? false
            (session, call, endedCall) = tracker.withLock { tracker in
                guard let update = tracker.update(with: event, kind: kind, now: now) else { return (nil, nil, nil) }
                return (
                    wantsSession ? tracker.sessions[update.key] : nil,
                    wantsCall ? update.endedCall ?? tracker.call(update.callKey) : nil,
                    update.endedCall
                )
            }
        }
        if let delivery {
            for (_, handler) in delivery.named.onReader { handler(event, session) }
            for (_, handler) in delivery.all.onReader { handler(event, session) }
            if let endedCall { for (_, handler) in delivery.ended.onReader { handler(endedCall) } }
        }
        let app = (call?.appID ?? session?.appID).flatMap { delivery?.apps[AppID(rawValue: $0)] }
        guard let delivery,
            app != nil || !delivery.named.queued.isEmpty || !delivery.all.queued.isEmpty
                || (endedCall != nil && !delivery.ended.queued.isEmpty)
        else {
            if let endedCall { forgetInOrder(endedCall) }
            return
        }
        let name = delivery.name
        let ended = endedCall == nil ? [] : delivery.ended.queued
        callbacks.put { [self, session, call, endedCall] in
            // An ended call is forgotten once its end is being delivered: callbacks of
            // its earlier events still find it in `calls`.
            if let endedCall { tracker.withLock { $0.forget(endedCall) } }
            if let app, let session, let call {
                app.app.receive(AppEvent(name: name, event: event, session: session, call: call, context: app.context))
            }
            for (_, handler) in delivery.named.queued { handler(event, session) }
            for (_, handler) in delivery.all.queued { handler(event, session) }
            if let endedCall {
                app?.app.callEnded(endedCall, context: app!.context)
                for (_, handler) in ended { handler(endedCall) }
            }
        }
    }

    /// Forgets an ended call whose end calls no callback, after the callbacks queued
    /// before (those of its earlier events still find it in `calls`): at once when
    /// none is queued or running, else on the callback thread.
    private func forgetInOrder(_ call: Call) {
        callbacks.runInOrder { [self] in tracker.withLock { $0.forget(call) } }
    }

    private func connectionEnded(_ error: ESLError) {
        // What was in flight can no longer be followed: report it through the
        // disconnect callbacks and forget it (a reconnect starts afresh).
        tracker.withLock { $0.forgetAll() }
        jobTable.failAll(reason: error.description)
        let handlers = registry.withLock { $0.disconnected }
        guard !handlers.isEmpty else { return }
        callbacks.put {
            for (_, handler) in handlers { handler(error) }
        }
    }

    private func expectOK(_ reply: Frame) throws(ESLError) {
        guard let text = reply.replyText, text.hasPrefix("+OK") else {
            throw .protocolViolation("\(endpoint) refused a subscription: \(reply.replyText ?? "\(reply.contentType)")")
        }
    }
}
