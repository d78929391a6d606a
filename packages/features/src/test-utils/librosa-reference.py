"""Independent librosa 0.11 port of reference/features.md §5 (extract_features_v6), used to make
librosa-reference.json, the known answer of audio-block.test.ts.

Usage (needs numpy, scipy, librosa==0.11.0):
  1. write the test clip as raw float32: clickTrack({beatSamples: 9450, accents: [1, 0.5, 0.5, 0.7, 0.5],
     durationSec: 6, toneHz: 220, seed: 3}) from click-track.ts;
  2. python librosa-reference.py clip.f32 > librosa-reference.json
"""
import sys, numpy as np, librosa, scipy.signal
SR=22050; HOP=512
def nac(x):
    x=np.asarray(x,dtype=np.float64)
    if len(x)<10: return np.array([0.0])
    x=x-x.mean(); e=np.sum(x*x)
    if e<1e-10: return np.zeros(len(x))
    r=np.correlate(x,x,mode='full')[len(x)-1:]
    return r/e
def wmax(x,l,w): return float(np.max(x[max(0,l-w):min(len(x),l+w+1)]))
def sample(r,bpm):
    bpf=60*SR/HOP/bpm; out=[]
    for m in np.linspace(0.5,16.0,64):
        l=int(m*bpf)
        out.append(wmax(r,l,max(1,int(0.05*l))) if 0<l<len(r) else 0.0)
    return out
def libtempo(y):
    t=librosa.feature.tempo(y=y,sr=SR,hop_length=HOP)[0]
    return t if 30<=t<=300 else 120.0
def tempos(avg,y):
    mn=max(1,int(0.2*SR/HOP)); mx=min(len(avg)-1,int(2.0*SR/HOP))
    sl=avg[mn:mx+1]
    pk,_=scipy.signal.find_peaks(sl,height=0,distance=3)
    if len(pk)==0: return [120.0,libtempo(y),60.0,180.0]
    order=np.argsort(sl[pk])[::-1]
    bpms=[float(np.clip(60*SR/HOP/(pk[o]+mn),30,300)) for o in order[:2]]
    t1=bpms[0]; t2=bpms[1] if len(bpms)>1 else libtempo(y)
    return [t1,t2,max(30,t1/2),float(np.clip(1.5*t1,30,300))]
def feats(y):
    env=librosa.onset.onset_strength(y=y,sr=SR,hop_length=HOP)
    tg=librosa.feature.tempogram(onset_envelope=env,sr=SR,hop_length=HOP)
    avg=tg.mean(axis=1)
    rms=librosa.feature.rms(y=y,frame_length=2048,hop_length=HOP)[0]
    S=np.abs(librosa.stft(y,n_fft=2048,hop_length=HOP))
    flux=np.sqrt(np.sum(np.diff(S,axis=1)**2,axis=0))
    ch=librosa.feature.chroma_cqt(y=y,sr=SR,hop_length=HOP)
    che=ch.sum(axis=0)
    rs=[nac(env),nac(rms),nac(flux),nac(che)]
    T=tempos(avg,y)
    out=[]
    for t in T:
        for r in rs: out+=sample(r,t)
    # A2
    a2=[]
    for b in np.logspace(np.log10(30),np.log10(300),64):
        l=int(60*SR/HOP/b); a2.append(wmax(avg,l,max(1,l//20)) if 0<l<len(avg) else 0.0)
    a2=np.array(a2); 
    if a2.max()>1e-10: a2=a2/a2.max()
    out+=list(a2)
    m=librosa.feature.mfcc(y=y,sr=SR,n_mfcc=13,hop_length=HOP)
    out+=list(m.mean(axis=1))+list(m.std(axis=1))
    c=librosa.feature.spectral_contrast(y=y,sr=SR,hop_length=HOP,n_bands=6)
    out+=list(c.mean(axis=1))+list(c.std(axis=1))
    on=librosa.onset.onset_detect(y=y,sr=SR,hop_length=HOP)
    if len(on)<3: out+=[0,0,0,0]
    else:
        t=on*HOP/SR; iv=np.diff(t)
        out+=[iv.mean(),iv.std(),np.median(iv),len(on)/max(len(y)/SR,1.0)]
    on=librosa.onset.onset_detect(onset_envelope=env,sr=SR,hop_length=HOP)
    bd=60/T[0]
    for n in [2,3,4,5,7,9,11]:
        if len(on)<3: out+=[0]*32; continue
        bar=n*bd; pos=((on*HOP/SR)%bar)/bar
        h,_=np.histogram(pos,bins=32,range=(0,1),weights=env[on])
        if h.max()>1e-10: h=h/h.max()
        out+=list(h)
    bpf=60*SR/HOP/T[0]
    pairs=[(3,4),(5,4),(7,4),(3,2),(5,3),(7,3),(5,7),(9,4),(11,4),(9,7),(11,7),(9,3),(11,3)]
    for r in rs:
        a={}
        for n in [2,3,4,5,6,7,9,11]:
            l=int(n*bpf); a[n]=wmax(r,l,max(1,int(0.05*l))) if 0<l<len(r) else 0.0
            out.append(a[n])
        for p,q in pairs: out.append((a[p]-a[q])/(a[p]+a[q]+1e-8))
    sal=[]
    for M in [2,3,4,5,6,7,9,11,12]:
        best=0.0
        for T_ in range(60,201,2):
            l=int(60.0*M/T_*SR/HOP)
            if 0<l<len(avg): best=max(best,wmax(avg,l,max(1,l//20)))
        sal.append(best)
    sal=np.array(sal)
    if sal.max()>1e-10: sal=sal/sal.max()
    out+=list(sal)
    return np.array(out,dtype=np.float32), T

if __name__ == "__main__":
    import json
    y = np.fromfile(sys.argv[1], dtype=np.float32)
    ref, T = feats(y)
    json.dump({"source": "librosa 0.11.0 port of reference/features.md §5 (extract_features_v6), run on clickTrack({beatSamples: 9450, accents: [1, 0.5, 0.5, 0.7, 0.5], durationSec: 6, toneHz: 220, seed: 3})",
               "tempos": [round(float(t), 6) for t in T], "features": [float(f"{v:.7g}") for v in ref]}, sys.stdout)
