import Testing
import UsherCore

@testable import UsherWire

@Suite("Control protocol: request lines", .timeLimit(.minutes(1)))
struct RequestParserTests {
    private func parse(_ line: String) -> Result<ControlRequest, RequestParser.Failure> {
        RequestParser.parse(Array(line.utf8))
    }

    @Test("reads every operation, echoing the id")
    func goodLines() throws {
        #expect(try parse(#"{"v":1,"id":1,"op":"hello"}"#).get() == ControlRequest(id: .number(1), operation: .hello))
        #expect(try parse(#"{"id":"a","op":"snapshot"}"#).get() == ControlRequest(id: .text("a"), operation: .snapshot(host: false)))
        #expect(try parse(#"{"op":"snapshot","host":true}"#).get().operation == .snapshot(host: true))
        #expect(try parse(#"{"op":"subscribe"}"#).get().operation == .subscribe(host: false))
        #expect(try parse(#"{"op":"subscribe","host":true}"#).get().operation == .subscribe(host: true))
        let reset = try parse(#"{"id":2,"op":"decide","ids":["r1","7"],"decision":"reject","mode":"reset"}"#).get()
        #expect(reset.operation == .decide(DecideOperation(
            ids: ["r1", "7"], selector: nil, decision: .reject(mode: .reset, message: nil))))
        let deferral = try parse(#"{"op":"decide","all":true,"listener":8080,"decision":"defer","for":"5s"}"#).get()
        #expect(deferral.operation == .decide(DecideOperation(
            ids: [], selector: RequestSelector(listenerPort: 8080), decision: .deferral(.seconds(5)))))
    }

    @Test("what clients send is what the server reads")
    func roundTrip() throws {
        let requests: [ControlRequest] = [
            ControlRequest(id: .number(3), operation: .stats),
            ControlRequest(id: .text("x"), operation: .decide(DecideOperation(
                ids: ["r9"], selector: RequestSelector(peer: try AddressPrefix.parse("10.0.0.0/8")),
                decision: .reject(mode: .close, message: Array("bye\r\n".utf8))))),
            ControlRequest(id: .number(4), operation: .decide(DecideOperation(
                ids: [], selector: .all, decision: .deferral(.milliseconds(1500))))),
            ControlRequest(id: .number(5), operation: .decide(DecideOperation(
                ids: ["r3"], selector: nil, decision: .deferral(.seconds(300)), extendsTimeout: true))),
            ControlRequest(id: .number(6), operation: .journal(JournalPageRequest(before: 1200, limit: 50))),
            ControlRequest(id: .number(7), operation: .journal(JournalPageRequest(until: "2026-12-01T03:12:00.000Z"))),
            ControlRequest(id: .number(8), operation: .journal(JournalPageRequest(request: "r17", limit: 1))),
        ]
        for request in requests {
            let line = request.encodedLine().dropLast()
            #expect(try RequestParser.parse(line).get() == request)
        }
    }

    @Test(
        "every bad line gets an error that names the problem",
        arguments: [
            ("not json", ControlError.Code.badJSON, "not JSON: 'not json'"),
            ("[1,2]", .badRequest, "the request: expected a JSON object"),
            (#"{"op":"launch","id":5}"#, .unknownOperation, "unknown op 'launch'; expected one of hello, snapshot"),
            (#"{"id":5}"#, .badRequest, "missing \"op\""),
            (#"{"v":2,"op":"hello"}"#, .unsupportedVersion, "protocol version 2 is not supported"),
            (#"{"op":"decide","ids":"r1","decision":"accept"}"#, .badRequest, "\"ids\": expected an array of strings"),
            (#"{"op":"decide","ids":["rX"],"decision":"accept"}"#, .badRequest, "'rX' is not a request ID"),
            (#"{"op":"decide","decision":"accept"}"#, .badRequest, "decide needs \"ids\""),
            (#"{"op":"decide","ids":["r1"],"decision":"maybe"}"#, .badRequest, "'maybe' is not accept, reject"),
            (#"{"op":"decide","ids":["r1"],"decision":"defer","for":"soon"}"#, .badRequest, "\"for\": 'soon' is not a duration"),
            (#"{"op":"decide","all":true,"peer":"10.0.0.300/8","decision":"accept"}"#, .badRequest, "\"peer\": '10.0.0.300/8'"),
            (#"{"op":"decide","all":true,"listener":70000,"decision":"accept"}"#, .badRequest, "70000 is not a port"),
            (#"{"op":"journal","limit":501}"#, .badRequest, "\"limit\": 501 rows; ask for 1 to 500"),
            (#"{"op":"journal","request":"x\u001b[2J"}"#, .badRequest, "\"request\": "),
            (#"{"op":"journal","until":"yesterday"}"#, .badRequest, "\"until\": 'yesterday' is not a time"),
            (#"{"op":"journal","before":"old"}"#, .badRequest, "\"before\""),
            (#"{"op":"decide","ids":["r1"],"decision":"accept","extend_timeout":true}"#, .badRequest, "\"extend_timeout\" goes with a deferral"),
            (#"{"op":"decide","ids":["r1"],"decision":"defer","extend_timeout":"yes"}"#, .badRequest, "\"extend_timeout\": expected true or false"),
            (#"{"op":7}"#, .badRequest, "\"op\": expected a string"),
            (#"{"op":"subscribe","host":"yes"}"#, .badRequest, "\"host\": expected true or false"),
            (#"{"id":[1],"op":"hello"}"#, .badRequest, "\"id\": expected a number or a string"),
        ])
    func badLines(line: String, code: ControlError.Code, message: String) {
        guard case .failure(let failure) = parse(line) else {
            Issue.record("accepted \(line)")
            return
        }
        #expect(failure.error.code == code, "\(line) → \(failure.error)")
        #expect(failure.error.message.contains(message), "\(line) → \(failure.error.message)")
    }

    @Test("the id of a bad request is echoed when it can be read")
    func echoesID() {
        guard case .failure(let failure) = parse(#"{"id":"q7","op":"nope"}"#) else {
            Issue.record("accepted an unknown op")
            return
        }
        #expect(failure.id == .text("q7"))
    }

    @Test("binary garbage and invalid UTF-8 are errors, not crashes")
    func garbage() {
        let lines: [[UInt8]] = [[0xFF, 0xFE, 0x00, 0x7B], Array(#"{"op":"\#u{0}hello"}"#.utf8), [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D]]
        for line in lines {
            guard case .failure = RequestParser.parse(line) else {
                Issue.record("accepted \(line)")
                continue
            }
        }
    }
}
