#!/usr/bin/env python3
"""Writes the hello fuzzer's seeds (tests/fuzz/hello/: a node's state, then frames a peer
sends on one connection) and the frame fuzzer's (tests/fuzz/frame/: a cut byte, then frames),
hand-encoded from proto/hotline.proto. Run it again after changing the Hello or the Envelope;
the seeds are committed."""
import os
import struct


def varint(n):
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def field_varint(number, value):
    return varint(number << 3) + varint(value)


def field_bytes(number, value):
    return varint(number << 3 | 2) + varint(len(value)) + value


def hello(epoch, resume_epoch=0, delivered=0, floor=0, party=b"moscow"):
    resume = field_varint(1, resume_epoch) + field_varint(2, delivered)
    body = (field_bytes(1, party) + field_varint(2, 1) + field_varint(3, epoch) +
            field_bytes(4, resume) + field_bytes(5, b"hotline 0.1") + field_varint(6, floor) +
            field_varint(7, 65536))
    return envelope(epoch, 10, body, sender=party)


def envelope(epoch, payload_field, payload, seq=0, sender=b"moscow", retransmission=False):
    out = field_varint(1, 1) + field_bytes(2, sender) + field_varint(3, epoch)
    if seq:
        out += field_varint(4, seq)
    if retransmission:
        out += field_varint(9, 1)
    return out + field_bytes(payload_field, payload)


def message(epoch, seq, text, retransmission=False):
    return envelope(epoch, 11, field_bytes(3, text), seq=seq, retransmission=retransmission)


def batch(epoch, items):
    # Items carry seq and a Message; the header carries the epoch.
    encoded = b"".join(
        field_bytes(1, field_varint(4, seq) + field_bytes(11, field_bytes(3, text)))
        for seq, text in items)
    return envelope(epoch, 20, encoded)


def frame(body):
    return struct.pack(">I", len(body)) + body


def seed(chunk, own_epoch, transmitted, acknowledged, delivered_of_peer, frames):
    state = struct.pack("<QQQQ", own_epoch, transmitted, acknowledged, delivered_of_peer)
    # The directly given Hello: our epoch, delivered 15, floor 9.
    direct = bytes([1]) + struct.pack("<QQQ", 0, 15, 9)
    return bytes([chunk]) + state + direct + b"".join(frame(f) for f in frames)


SEEDS = {
    "resume-acknowledges": seed(63, 7, 20, 10, 5, [
        hello(9, resume_epoch=7, delivered=15), message(9, 1, b"after the hello")]),
    "journal-went-back": seed(5, 7, 20, 10, 5, [hello(9, resume_epoch=7, delivered=21)]),
    "floor-past-delivered": seed(63, 7, 20, 10, 5, [hello(9, floor=40), message(9, 41, b"x")]),
    "batch": seed(17, 7, 20, 20, 0, [
        hello(9), batch(9, [(1, b"one"), (2, b"two"), (3, b"three")]),
        message(9, 2, b"again", retransmission=True)]),
    "second-hello": seed(63, 7, 0, 0, 0, [hello(9), hello(9)]),
    "epoch-changes": seed(63, 7, 0, 0, 0, [hello(9), message(10, 1, b"other epoch")]),
    "seq-backwards": seed(63, 7, 0, 0, 0, [hello(9), message(9, 5, b"a"), message(9, 4, b"b")]),
    "wrong-sender": seed(63, 7, 0, 0, 0, [hello(9, party=b"washington")]),
}


def notification_item(seq, incident, epoch=None):
    item = field_varint(4, seq) + field_bytes(12, field_bytes(1, incident))
    return item + (field_varint(3, epoch) if epoch is not None else b"")


def frame_seed(chunk, frames):
    return bytes([chunk]) + b"".join(frame(f) for f in frames)


FRAME_SEEDS = {
    "batch-of-messages": frame_seed(63, [batch(9, [(1, b"one"), (2, b"two"), (3, b"three")])]),
    # An item of other fields (a notification naming an epoch of its own) takes protobuf's path.
    "batch-mixed": frame_seed(7, [
        envelope(9, 20, field_bytes(1, field_varint(4, 4) + field_bytes(11, field_bytes(3, b"m"))) +
                 field_bytes(1, notification_item(5, b"INC-7", epoch=3))),
        message(9, 6, b"alone")]),
    # More message items than the reader keeps storage for between batches.
    "batch-of-1500": frame_seed(63, [batch(9, [(seq, b"x") for seq in range(1, 1501)])]),
}


def write(folder, seeds):
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), folder)
    os.makedirs(here, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(here, name), "wb") as out:
            out.write(data)


write("hello", SEEDS)
write("frame", FRAME_SEEDS)
