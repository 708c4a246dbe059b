"""Server-side latency on the wire, per HTTP status, from a tcpdump capture on the loopback (BENCHMARKS.md,
"429 latency under 3x overload": where a 429's time goes). For each connection: the first segment of a request
(POST/GET) to the port, to the first segment of the answer ("HTTP/1.1 NNN"). Requests in the first 11 s (the
warm-up of scripts/rss-overload.sh) are left out.
usage: tcpdump -i lo -s 128 -w CAP.pcap 'tcp port 18110' & ...; python3 scripts/wire-latency.py CAP.pcap [PORT]
"""
import struct, sys
f = open(sys.argv[1], 'rb'); gh = f.read(24)
nano = struct.unpack('<I', gh[:4])[0] == 0xa1b23c4d
SPORT=int(sys.argv[2]) if len(sys.argv) > 2 else 18110; pend={}; lat={}; first=None
while True:
    ph = f.read(16)
    if len(ph) < 16: break
    ts, tf, incl, orig = struct.unpack('<IIII', ph); data = f.read(incl)
    t = ts + tf / (1e9 if nano else 1e6)
    ip = data[14:]; ihl=(ip[0]&15)*4; tot=struct.unpack('>H',ip[2:4])[0]; tcp=ip[ihl:]
    sp,dp=struct.unpack('>HH',tcp[:4]); thl=(tcp[12]>>4)*4; pl=tot-ihl-thl
    if pl<=0: continue
    payload = tcp[thl:]
    if dp==SPORT:
        if payload.startswith(b'POST') or payload.startswith(b'GET'): pend[sp]=t
    elif sp==SPORT and payload.startswith(b'HTTP/1.1 '):
        code=payload[9:12].decode()
        if dp in pend:
            t0=pend.pop(dp)
            if first is None: first=t0
            lat.setdefault(code,[]).append((t0-first,(t-t0)*1000))
for code,v in sorted(lat.items()):
    w=sorted(x for (s,x) in v if s>11)
    if not w: continue
    q=lambda p: w[min(len(w)-1,int(len(w)*p))]
    print('wire',code,len(w),'p50 %.2f p95 %.2f p99 %.2f p99.9 %.2f'%(q(.5),q(.95),q(.99),q(.999)))
