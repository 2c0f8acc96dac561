import Testing
import UsherDataPlane

@Suite("One direction of a relay, without IO", .timeLimit(.minutes(1)))
struct RelayDirectionTests {
    @Test("reads into room, writes what it read, and reads no more while the buffer is full")
    func backpressure() {
        var direction = RelayDirection(capacity: 8)
        #expect(direction.next() == .read(0..<8))
        direction.didRead(8)
        direction.sinkWouldBlock()
        #expect(direction.next() == .wait, "full and the sink cannot take more: nothing is read")
        direction.sinkWritable = true
        #expect(direction.next() == .write(0..<8))
        direction.didWrite(3)
        #expect(direction.next() == .write(3..<8))
        direction.didWrite(5)
        #expect(direction.buffered == 0 && direction.next() == .read(0..<8), "an empty buffer starts over")
    }

    @Test("the end of the source half-closes the sink once every byte is written; then it is over")
    func halfClose() {
        var direction = RelayDirection(capacity: 8)
        direction.didRead(4)
        direction.sourceDidEnd()
        #expect(direction.next() == .write(0..<4), "bytes first")
        direction.didWrite(4)
        #expect(direction.next() == .shutDownSink)
        direction.didShutDownSink()
        #expect(direction.next() == .finished)
    }

    @Test("a short read empties the socket: no read until the loop reports more, unless the end is coming")
    func shortRead() {
        var direction = RelayDirection(capacity: 8)
        direction.didRead(3)
        direction.didWrite(3)
        #expect(direction.next() == .wait, "fewer bytes than there was room for: the socket had no more")
        var ending = RelayDirection(capacity: 8)
        ending.sourceClosing = true
        ending.didRead(3)
        ending.didWrite(3)
        #expect(ending.next() == .read(0..<8), "its end is on the way: read until a read returns 0")
    }

    @Test("a read that fills the buffer asks for a larger one, taken only once the buffer is empty")
    func growing() {
        var direction = RelayDirection(capacity: 8)
        direction.didRead(8)
        #expect(direction.wantsLargerBuffer)
        let early = direction.resize(to: 32)
        #expect(!early, "bytes are waiting in the small buffer")
        direction.didWrite(8)
        let resized = direction.resize(to: 32)
        #expect(resized)
        #expect(direction.next() == .read(0..<32))
    }

    @Test("a source that would block waits until the loop says it is readable")
    func readiness() {
        var direction = RelayDirection(capacity: 8)
        direction.sourceWouldBlock()
        #expect(direction.next() == .wait)
        direction.sourceReadable = true
        #expect(direction.next() == .read(0..<8))
    }
}
