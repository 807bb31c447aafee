#!/usr/bin/env python3
"""Read a GGUF file with the reference Python `gguf` package (Debian's python3-gguf)
and print what `t5go inspect --json` prints: {name: {type, shape, bytes, sha256}},
shape in ggml order (ne[0] first). Run inside the sid chroot:

    chroot /opt/sid python3 /tmp/pyverify.py /tmp/model.gguf > py.json
    t5go inspect --json model.gguf > go.json && diff go.json py.json

Equal sha256 of an f32 tensor's bytes means equal values.
"""
import hashlib
import json
import sys

from gguf import GGUFReader

r = GGUFReader(sys.argv[1])
out = {}
for t in r.tensors:
    data = bytes(t.data.tobytes())
    out[t.name] = {
        "type": t.tensor_type.name.lower(),
        "shape": [int(x) for x in t.shape],
        "bytes": int(t.n_bytes),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
print(json.dumps(out, indent=1, sort_keys=True))

# With a second argument (the Hugging Face checkpoint's model.safetensors), also
# compare every f32 tensor's values with the checkpoint's (mm.input_projection is
# stored transposed; the patch embedding flattened).
if len(sys.argv) > 2:
    import re
    import numpy as np
    from safetensors.numpy import load_file
    ck = {k.replace("text_model.", "").replace("vision_model.", ""): v for k, v in load_file(sys.argv[2]).items()}
    names = {"token_embd.weight": "model.encoder.embed_tokens.weight",
             "token_embd_eoi.weight": "model.encoder.embed_tokens.eoi_embedding",
             "mm.input_projection.weight": "model.encoder.multi_modal_projector.mm_input_projection_weight",
             "mm.soft_emb_norm.weight": "model.encoder.multi_modal_projector.mm_soft_emb_norm.weight",
             "v.patch_embd.weight": "model.encoder.vision_tower.embeddings.patch_embedding.weight",
             "v.patch_embd.bias": "model.encoder.vision_tower.embeddings.patch_embedding.bias",
             "v.position_embd.weight": "model.encoder.vision_tower.embeddings.position_embedding.weight",
             "v.post_ln.weight": "model.encoder.vision_tower.post_layernorm.weight",
             "v.post_ln.bias": "model.encoder.vision_tower.post_layernorm.bias",
             "enc.output_norm.weight": "model.encoder.norm.weight", "dec.output_norm.weight": "model.decoder.norm.weight"}
    text = {"attn_norm": "pre_self_attn_layernorm", "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj",
            "attn_v": "self_attn.v_proj", "attn_o": "self_attn.o_proj", "attn_q_norm": "self_attn.q_norm",
            "attn_k_norm": "self_attn.k_norm", "attn_post_norm": "post_self_attn_layernorm",
            "ffn_norm": "pre_feedforward_layernorm", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
            "ffn_down": "mlp.down_proj", "ffn_post_norm": "post_feedforward_layernorm"}
    vis = {"ln1": "layer_norm1", "ln2": "layer_norm2", "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj",
           "attn_v": "self_attn.v_proj", "attn_out": "self_attn.out_proj", "ffn_up": "mlp.fc1", "ffn_down": "mlp.fc2"}
    bad = checked = 0
    for t in r.tensors:
        if t.tensor_type.name != "F32":
            continue
        n = t.name
        m = re.match(r"(enc|dec)\.blk\.(\d+)\.(\w+)\.weight$", n)
        v = re.match(r"v\.blk\.(\d+)\.(\w+)\.(weight|bias)$", n)
        if m:
            hf = f"model.{'encoder' if m[1] == 'enc' else 'decoder'}.layers.{m[2]}.{text[m[3]]}.weight"
        elif v:
            hf = f"model.encoder.vision_tower.encoder.layers.{v[1]}.{vis[v[2]]}.{v[3]}"
        else:
            hf = names[n]
        want = ck[hf].astype(np.float32)
        if n == "mm.input_projection.weight":
            want = want.T
        got = np.asarray(t.data, dtype=np.float32).reshape(-1)
        checked += 1
        if not np.array_equal(got, want.reshape(-1)):
            bad += 1
            print("VALUES DIFFER:", n, file=sys.stderr)
    print(f"f32 values: {checked} tensors compared with the checkpoint, {bad} differ", file=sys.stderr)
