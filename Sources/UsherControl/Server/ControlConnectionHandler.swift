import Foundation
import Logging
import NIOCore
import UsherCore
import UsherWire

/// One control connection: reads request lines, answers each, and streams events once the client
/// subscribes. Every bad line gets an error reply and the connection stays open, except after a
/// line over the length or nesting limit (the stream cannot be trusted then) and for a subscriber
/// that fell too far behind: those get their error, then the close.
final class ControlConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ReceivedLine
    typealias OutboundOut = ByteBuffer

    private let service: ControlService
    private let hub: SubscriberHub
    private let peer: PeerCredentials
    private let role: Role
    private let queueCapacity: Int
    private let idleTimeout: Duration
    private let logger: Logger
    private var context: ChannelHandlerContext?
    private var subscription: Subscription?
    /// A request is being answered off the event loop (a journal read): the requests after it
    /// wait here, so that answers keep the order of the requests.
    private var answering = false
    private var waiting: [ReceivedLine] = []
    /// The client stopped sending: close once every request is answered.
    private var closeWhenAnswered = false
    /// The connection is closing after a fatal error: lines still to come are not read.
    private var closing = false

    /// A subscriber's request ID and its outgoing queue.
    private struct Subscription {
        var id: MessageID?
        var prefix: [UInt8]
        var queue: SubscriberQueue<[UInt8]>
        /// The subscriber asked for the host's listeners.
        var host: Bool
    }

    init(
        service: ControlService, hub: SubscriberHub, peer: PeerCredentials, role: Role, queueCapacity: Int,
        idleTimeout: Duration = ControlLimits.standard.idleTimeout, logger: Logger
    ) {
        self.idleTimeout = idleTimeout
        self.service = service
        self.hub = hub
        self.peer = peer
        self.role = role
        self.queueCapacity = queueCapacity
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        hub.join(NIOLoopBound(self, eventLoop: context.eventLoop))
    }

    /// Also called when the channel closes: the pipeline drops every handler then.
    func handlerRemoved(context: ChannelHandlerContext) {
        hub.leave(self)
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let received = unwrapInboundIn(data)
        answering ? waiting.append(received) : process(received)
    }

    private func process(_ received: ReceivedLine) {
        guard !closing else { return }
        switch received {
        case .tooLong(let count):
            closeFor(ControlError(
                .lineTooLong, "a line of \(count) bytes is over the limit of \(ControlProtocol.maximumRequestLine) bytes"))
        case .unterminated(let count):
            send(ControlLine(id: nil, message: .error(ControlError(
                .unterminatedLine,
                "the last \(count) bytes had no newline and were not read as a request; end every request with \\n"))))
        case .line(let line):
            guard line.readableBytesView.contains(where: { !Self.isSpace($0) }) else { return }
            switch RequestParser.parse(line.readableBytesView) {
            case .success(let request):
                handle(request)
            case .failure(let failure) where failure.error.code == .tooDeep:
                closeFor(failure.error)
            case .failure(let failure):
                send(ControlLine(id: failure.id, message: .error(failure.error)))
            }
        }
    }

    /// The client stopped sending: every request it sent has been answered (the decoder passed
    /// them on first); the connection closes once those answers are written. A subscription
    /// ends with it.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            return closeIfIdle()
        }
        guard case ChannelEvent.inputClosed = event else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard !answering else {
            closeWhenAnswered = true
            return
        }
        closeAfterWrites()
    }

    /// No request for the idle timeout: a connection that does not subscribe (and is not being
    /// answered) is told why and closed; a subscriber may stay silent.
    private func closeIfIdle() {
        guard subscription == nil, !answering, !closeWhenAnswered else { return }
        send(ControlLine(id: nil, message: .error(ControlError(
            .idleTimeout, "closing: no request for \(DurationText.format(idleTimeout)) on a connection that does not subscribe"))))
        closeAfterWrites()
    }

    /// Sends `error`, saying the connection closes, and closes it without reading further.
    private func closeFor(_ error: ControlError, id: MessageID? = nil) {
        closing = true
        waiting.removeAll()
        context?.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        send(ControlLine(id: id, message: .error(ControlError(error.code, error.message + "; closing the connection"))))
        closeAfterWrites()
        guard let context else { return }
        let channel = context.channel
        context.eventLoop.scheduleTask(in: Self.closeGrace) { channel.close(promise: nil) }
    }

    /// How long a client that is not reading has to take its last error before the close.
    private static let closeGrace: TimeAmount = .seconds(5)

    /// Closes once what was sent is written.
    private func closeAfterWrites() {
        guard let context else { return }
        let channel = context.channel
        context.writeAndFlush(NIOAny(ByteBuffer())).whenComplete { _ in channel.close(promise: nil) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { drainSubscription() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("control connection error", metadata: ["peer": "\(peer)", "error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: Requests

    private func handle(_ request: ControlRequest) {
        switch request.operation {
        case .hello:
            send(ControlLine(id: request.id, message: .hello(service.hello(role: role))))
        case .snapshot(let host):
            send(ControlLine(id: request.id, message: .snapshot(service.snapshot(host: host))))
        case .stats:
            let counts = hub.counts
            send(ControlLine(id: request.id, message: .stats(service.stats(
                controlClients: counts.connections, subscribers: counts.subscribers, eventsMissed: counts.missed))))
        case .subscribe(let host):
            subscribe(id: request.id, host: host)
        case .decide(let operation):
            guard requireOperator(request, "decide") else { return }
            let results = service.decide(operation, by: person)
            send(ControlLine(id: request.id, message: .decided(results)))
        case .rules:
            send(ControlLine(id: request.id, message: .rules(service.rules())))
        case .reload(let applyPending):
            guard requireOperator(request, "reload the rules") else { return }
            send(ControlLine(id: request.id, result: service.reload(applyPending: applyPending)))
        case .forget(let name):
            guard requireOperator(request, "forget a remembered decision") else { return }
            send(ControlLine(id: request.id, result: service.forget(name)))
        case .journal(let page):
            readJournal(page, id: request.id)
        }
    }

    /// Reads a page of the journal off the event loop (it may wait for the disk), then answers.
    /// Meanwhile the connection is not read, and lines already read wait their turn.
    private func readJournal(_ page: JournalPageRequest, id: MessageID?) {
        guard let context else { return }
        answering = true
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        let service = service
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        DispatchQueue.global().async {
            let result = service.journalPage(page)
            handler.eventLoop.execute { handler.value.answered(ControlLine(id: id, result: result)) }
        }
    }

    /// The answer read off the loop: sent, then the lines that waited, in order.
    private func answered(_ line: ControlLine) {
        answering = false
        send(line)
        while !answering, !waiting.isEmpty { process(waiting.removeFirst()) }
        guard !answering else { return }
        if closeWhenAnswered { return closeAfterWrites() }
        context?.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        context?.read()
    }

    /// `true` for an operator; an observer gets a `forbidden` error, and the refusal is told.
    private func requireOperator(_ request: ControlRequest, _ what: String) -> Bool {
        guard role != .operator else { return true }
        send(ControlLine(id: request.id, message: .error(ControlError(
            .forbidden, "uid \(peer.uid) is an observer here: it may watch, not \(what)"))))
        service.refused("\(person) may watch, not \(what): refused as an observer")
        return false
    }

    /// Who is on the other end, as decisions name them.
    private var person: Operator { peer.person }

    private func subscribe(id: MessageID?, host: Bool) {
        if let subscription {
            send(ControlLine(id: id, message: .error(ControlError(
                .alreadySubscribed, "this connection already subscribed (id \(subscription.id?.description ?? "none"))"))))
            return
        }
        hub.subscribe(self, host: host)
        let snapshot = service.snapshot(host: host)
        subscription = Subscription(
            id: id, prefix: Self.eventPrefix(id: id),
            queue: SubscriberQueue(capacity: queueCapacity, after: snapshot.seq), host: host)
        send(ControlLine(id: id, message: .snapshot(snapshot)))
    }

    // MARK: Events

    /// An event for this subscriber (on its event loop), as encoded JSON.
    func deliver(_ payload: [UInt8], sequence: UInt64?) {
        guard let context, var current = subscription else { return }
        let line = current.prefix + payload + Array("}\n".utf8)
        let offer = current.queue.offer(line, sequence: sequence, writable: context.channel.isWritable)
        subscription = current
        switch offer {
        case .send(let line):
            context.writeAndFlush(NIOAny(ByteBuffer(bytes: line)), promise: nil)
        case .dropped where context.channel.isWritable:
            drainSubscription()  // events were lost upstream: resync now, not at the next drain
        case .lagging(let behind):
            cutOff(current, behind: behind)
        case .held, .dropped, .stale:
            break
        }
    }

    /// The subscriber's queue overflowed: it gets no more events, its `lagging` error goes
    /// after what its socket still holds, and the connection closes once that is written, or
    /// after a grace period if the subscriber does not read at all.
    private func cutOff(_ current: Subscription, behind: Int) {
        hub.unsubscribe(self)
        hub.recordMissed(behind)
        subscription = nil
        if let count = hub.cutOff(logEvery: .seconds(10)) {
            logger.notice("control subscriber cut off", metadata: [
                "peer": "\(peer)", "behind": "\(behind)", "cut_off": "\(count)",
                "note": "a subscriber read too slowly; its queue holds \(queueCapacity) events",
            ])
        }
        service.notices.post(WireNotice(
            source: "subscribers", level: .notice,
            text: "\(person) cut off: its subscription fell \(behind) events behind"))
        closeFor(ControlError(
            .lagging, "this subscriber fell \(behind) events behind (its queue holds \(queueCapacity)); subscribe again for a fresh snapshot"),
            id: current.id)
    }

    /// The socket drained: sends held events, or a resync snapshot in place of the lost ones.
    private func drainSubscription() {
        guard let context, var current = subscription else { return }
        for line in current.queue.takeHeld() {
            context.write(NIOAny(ByteBuffer(bytes: line)), promise: nil)
        }
        if current.queue.needsResync {
            let snapshot = service.snapshot(host: current.host)
            let missed = current.queue.resynced(through: snapshot.seq)
            hub.recordMissed(missed)
            logger.notice("control subscriber resync", metadata: [
                "peer": "\(peer)", "missed": "\(missed)",
                "note": "events were lost before they reached the subscriber; it gets a fresh snapshot",
            ])
            context.write(NIOAny(ControlLine(
                id: current.id, message: .resync(WireResync(missed: missed, snapshot: snapshot))).encoded()), promise: nil)
        }
        subscription = current
        context.flush()
    }

    /// Sends the goodbye line and closes.
    func sayGoodbye(_ bye: WireBye, on loop: any EventLoop) -> EventLoopFuture<Void> {
        guard let context else { return loop.makeSucceededVoidFuture() }
        context.write(NIOAny(ControlLine(id: nil, message: .bye(bye)).encoded()), promise: nil)
        context.flush()
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.close(promise: promise)
        return promise.futureResult.recover { _ in }
    }

    // MARK: Writing

    private func send(_ line: ControlLine) {
        guard let context else { return }
        context.writeAndFlush(NIOAny(line.encoded()), promise: nil)
    }

    /// `{"v":1,"id":ID,"type":"event","event":` — an event line without its payload and `}`.
    private static func eventPrefix(id: MessageID?) -> [UInt8] {
        let idField = id.map { "\"id\":" + String(decoding: WireJSON.encode($0), as: UTF8.self) + "," } ?? ""
        return Array("{\"v\":\(ControlProtocol.version),\(idField)\"type\":\"event\",\"event\":".utf8)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }
}
