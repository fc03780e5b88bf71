#!/usr/bin/env python3
"""Hold UDP sockets with UDP_ENCAP_ESPINUDP set, for NAT-T tests in the lab.

usage: natt-socket.py [PORT...]      (default 4500; IPv4 and IPv6 each)

The kernel decapsulates ESP-in-UDP (RFC 3948) only for packets that arrive on
a UDP socket marked UDP_ENCAP_ESPINUDP, as an IKE daemon's NAT-T socket is.
Sending needs no socket: an SA with `encap espinudp SPORT DPORT 0.0.0.0`
builds the UDP header itself. Prints "ready" once bound, then sleeps until
killed. What arrives on the socket itself (non-ESP: IKE with its non-ESP
marker, keepalives) is read and dropped.
"""
import select
import socket
import sys

SOL_UDP = 17
UDP_ENCAP = 100
UDP_ENCAP_ESPINUDP = 2


def main() -> int:
    ports = [int(p) for p in sys.argv[1:]] or [4500]
    socks = []
    for port in ports:
        for family, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
            s = socket.socket(family, socket.SOCK_DGRAM)
            if family == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.setsockopt(SOL_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP)
            try:
                s.bind((addr, port))
            except OSError as e:
                if family == socket.AF_INET6:  # no IPv6 in this namespace
                    s.close()
                    continue
                print(f"bind {addr} {port}: {e}", flush=True)
                return 1
            socks.append(s)
    print("ready", " ".join(str(p) for p in ports), flush=True)
    while True:
        for s in select.select(socks, [], [])[0]:
            s.recv(65535)


if __name__ == "__main__":
    sys.exit(main())
