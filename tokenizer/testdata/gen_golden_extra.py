#!/usr/bin/env python3
"""Extra tokenizer goldens made with the HF Rust `tokenizers` library on strings the shared golden
set does not have. Deterministic (seeded). See NOTE.md.

  python3 gen_golden_extra.py --tokenizer tokenizer.json --out DIR

Writes into DIR:
  golden_extra.jsonl  same fields as golden.jsonl (text, ids, ids_no_special, tokens_no_special,
                      decoded, decoded_with_special, decoded_skip_special)
  decode_golden.jsonl {"ids", "decoded", "decoded_skip_special"} for random id sequences
                      (byte tokens forming valid and invalid UTF-8, special and added tokens, ids
                      past the vocabulary)
  utf8_lossy.jsonl    {"hex", "text"}: random byte strings and bytes.decode("utf-8", "replace")
"""
import argparse
import json
import os
import random
import unicodedata

from tokenizers import Tokenizer

R = random.Random(20260301)

SCRIPTS = {
    "latin": "Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich; façade, naïve, Œuvre, ĳssel",
    "cyrillic": "Широкая электрификация южных губерний даст мощный толчок подъёму сельского хозяйства",
    "greek": "Τάχιστη αλώπηξ βαφής ψημένη γη, δρασκελίζει υπέρ νωθρού κυνός",
    "armenian": "Բարեւ աշխարհ, ինչպես ես այսօր",
    "georgian": "გამარჯობა მსოფლიო, როგორ ხარ დღეს",
    "hebrew": "שלום עולם, מה שלומך היום? בְּרֵאשִׁית בָּרָא אֱלֹהִים",
    "arabic": "اللغة العربية جميلة جداً، وَالحُرُوفُ مُشَكَّلَةٌ أحياناً ١٢٣",
    "syriac": "ܫܠܡܐ ܥܠܡܐ",
    "thaana": "ދިވެހި ބަސް",
    "devanagari": "क्षत्रिय ज्ञान श्री त्र्यम्बक, हिन्दी में लिखा गया वाक्य",
    "bengali": "রবীন্দ্রনাথ ঠাকুর বাংলা সাহিত্যের শ্রেষ্ঠ কবি",
    "gurmukhi": "ਪੰਜਾਬੀ ਭਾਸ਼ਾ ਬਹੁਤ ਸੋਹਣੀ ਹੈ",
    "gujarati": "ગુજરાતી ભાષા સુંદર છે",
    "oriya": "ଓଡ଼ିଆ ଭାଷା",
    "tamil": "யாமறிந்த மொழிகளிலே தமிழ்மொழி போல் இனிதாவது எங்கும் காணோம்",
    "telugu": "తెలుగు భాష దేశ భాషలందు లెస్స",
    "kannada": "ಕನ್ನಡ ನಾಡು ನುಡಿ",
    "malayalam": "മലയാളം ഒരു ദ്രാവിഡ ഭാഷയാണ്",
    "sinhala": "සිංහල භාෂාව",
    "thai": "เป็นมนุษย์สุดประเสริฐเลิศคุณค่า กว่าบรรดาฝูงสัตว์เดรัจฉาน",
    "lao": "ພາສາລາວ ເປັນພາສາທີ່ສວຍງາມ",
    "khmer": "ភាសាខ្មែរ គឺជាភាសាកំណើតរបស់ជនជាតិខ្មែរ",
    "myanmar": "မြန်မာဘာသာစကား",
    "tibetan": "བོད་ཡིག་ནི་སྐད་ཡིག་ཅིག་ཡིན།",
    "mongolian": "ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ",
    "ethiopic": "ሰላም ለዓለም፣ እንዴት ነህ?",
    "cherokee": "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ",
    "chinese": "我能吞下玻璃而不伤身体。繁體中文與简体中文混合，標點符號「」『』",
    "japanese": "いろはにほへと ちりぬるを わかよたれそ つねならむ、カタカナとﾊﾝｶｸ",
    "korean": "다람쥐 헌 쳇바퀴에 타고파. 한국어 문장입니다",
    "vietnamese": "Tôi có thể ăn thủy tinh mà không hại gì.",
    "yoruba": "Ẹ kú àárọ̀, ṣé dáadáa ni?",
    "inuktitut": "ᐃᓄᒃᑎᑐᑦ ᑎᑎᕋᐅᓯᖅ",
    "gothic": "𐌲𐌿𐍄𐌹𐍃𐌺 𐍂𐌰𐌶𐌳𐌰",
    "linear_b": "𐀀𐀁𐀂𐀃 𐀅𐀆",
    "cuneiform": "𒀀𒀁𒀂 𒀭𒂗𒆠",
    "math": "𝔸𝕝𝕘𝕖𝕓𝕣𝕒 ∀x∈ℝ: x²≥0, ∑ᵢ aᵢ = ∫₀^∞ f(t) dt ≈ π·e ≠ ∞ 𝒜ℬ𝒞",
    "emoji": "👩‍👩‍👧‍👦 family, 👍🏽 thumbs, 🇫🇷🇯🇵 flags, 1️⃣ keycap, ❤️ heart, 🏳️‍🌈, 🧑🏿‍🚀",
}

SPECIALS = ["<bos>", "<eos>", "<pad>", "<unk>", "<mask>", "[multimodal]", "<start_of_turn>",
            "<end_of_turn>", "<start_of_image>", "<end_of_image>", "<image_soft_token>", "<unused0>",
            "<unused99>", "<unused6241>", "<table>", "</td>", "<h1>", "</blockquote>", "<code>",
            "<bbox>", "\t\t", "\n\n\n", "▁▁"]

CODE = [
    'def f(x):\n    """Doc."""\n    return {k: v**2 for k, v in x.items() if v > 0}\n',
    'func main() {\n\tfmt.Println("héllo", 42)\n\tfor i := 0; i < 10; i++ {\n\t\tif i%2 == 0 {\n\t\t\tcontinue\n\t\t}\n\t}\n}\n',
    '{"name": "t5go", "ids": [1, 2, 3], "nested": {"a": null, "b": true, "c": -1.5e-7}}',
    '<html><body><div class="x"><table><tr><td>cell</td></tr></table></div></body></html>',
    '#include <stdio.h>\nint main(void) { printf("%d\\n", 1 << 3); return 0; }\n',
    "SELECT a.id, COUNT(*) FROM users a JOIN orders b ON a.id = b.user_id WHERE b.total > 100 GROUP BY a.id;",
    "if [[ -f ~/.bashrc ]]; then source ~/.bashrc; fi  # comment\nls -la | grep '^d' | awk '{print $9}'",
    r"^(?:[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*)@example\.com$",
    "    indented four\n        indented eight\n\t\ttabbed\n  \t mixed \t  \n",
    "<b> </b> <i>  </i> x> </y a>   </z >\t</q>",
]


def rand_unicode(n):
    """Random code points from a mix of ranges (assigned or not), no surrogates."""
    ranges = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF),
              (0x900, 0xDFF), (0xE00, 0xEFF), (0x1100, 0x11FF), (0x2000, 0x2BFF), (0x3000, 0x30FF),
              (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xE000, 0xF8FF), (0xFB00, 0xFFFD),
              (0x10000, 0x1FFFF), (0x1F300, 0x1FAFF), (0x20000, 0x2FFFF), (0xE0000, 0xE01EF),
              (0xF0000, 0x10FFFF), (0x0, 0x1F), (0x7F, 0x9F)]
    out = []
    for _ in range(n):
        lo, hi = R.choice(ranges)
        c = R.randint(lo, hi)
        if 0xD800 <= c <= 0xDFFF:
            c = 0xFFFD
        out.append(chr(c))
    return "".join(out)


def rand_ws():
    return "".join(R.choice([" ", " ", " ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2028", "\x0b", "\x0c",
                             "\u200b", "\u2581", "  ", "\n\n"]) for _ in range(R.randint(1, 8)))


def corpus(vocab_tokens):
    out = ["", " ", "  ", "\n", "\t", "\u2581", "a", "<", ">", "<bos", "<bos><eos>", "<<bos>>", "<b<bos>",
           "<start_of", "<start_of_turn", "<unused9999>", "<unused>", "</", "\u00a0", "\ufffd", "\x00", "\x00a\x00"]
    for name, s in SCRIPTS.items():
        out.append(s)
        out.append(s.upper() + " " + s.lower())
        out.append(unicodedata.normalize("NFD", s))
        out.append(unicodedata.normalize("NFKC", s))
        words = s.split()
        for _ in range(3):
            R.shuffle(words)
            out.append(rand_ws().join(words))
    # mixtures of scripts and whitespace
    names = list(SCRIPTS)
    for _ in range(150):
        parts = [R.choice(SCRIPTS[R.choice(names)].split()) for _ in range(R.randint(2, 12))]
        out.append("".join(p + rand_ws() for p in parts))
    # special and added tokens embedded anywhere, including glued to text
    for _ in range(150):
        parts = []
        for _ in range(R.randint(2, 10)):
            r = R.random()
            if r < 0.35:
                parts.append(R.choice(SPECIALS))
            elif r < 0.5:
                parts.append(rand_ws())
            else:
                parts.append(R.choice(R.choice(list(SCRIPTS.values())).split()))
        out.append("".join(parts))
    out.append("<start_of_turn>user\nDescribe <start_of_image> please.<end_of_turn>\n<start_of_turn>model\n")
    out.append("\n\n<start_of_image>" + "<image_soft_token>" * 20 + "<end_of_image>\n\n")
    # NFD and combining stacks
    out.append(unicodedata.normalize("NFD", "Ångström café déjà vu Ελληνικά Ω ñ ü ǖ ǘ"))
    out.append("Z\u0351\u0352\u0357a\u0300\u0301\u0302\u0303\u0304\u0305\u0306l\u0488\u0489g\u20dd\u20deo")
    out.append("e" + "\u0301" * 40)
    # numbers
    for _ in range(40):
        k = R.randint(0, 5)
        if k == 0:
            out.append(str(R.randint(0, 10 ** R.randint(1, 60))))
        elif k == 1:
            out.append(f"{R.uniform(-1e6, 1e6):,.{R.randint(0, 8)}f}")
        elif k == 2:
            out.append(f"{R.uniform(-1, 1) * 10 ** R.randint(-30, 30):e}")
        elif k == 3:
            out.append("+1 (%03d) %03d-%04d" % (R.randint(0, 999), R.randint(0, 999), R.randint(0, 9999)))
        elif k == 4:
            out.append("".join(R.choice("0123456789٠١٢٣٤٥٦٧٨٩०१२३४५६७८९０１２３") for _ in range(R.randint(1, 40))))
        else:
            out.append("v%d.%d.%d-rc%d 2026-03-01T12:34:56Z 3.14159 1e-9 0x%X" % (
                R.randint(0, 9), R.randint(0, 99), R.randint(0, 999), R.randint(0, 9), R.getrandbits(64)))
    out.extend(CODE)
    # whitespace runs of every length around the added-token limits (31)
    for n in [1, 2, 3, 15, 30, 31, 32, 33, 62, 63, 64, 100]:
        out.append(" " * n)
        out.append("x" + " " * n + "y")
        out.append("\n" * n)
        out.append("a" + "\t" * n + "b")
        out.append("\u2581" * n)
        out.append((" \n" * n)[:n * 2])
    # long words and long inputs
    out.append("a" * 1000)
    out.append("ab" * 700)
    out.append("Pneumonoultramicroscopicsilicovolcanoconiosis" * 20)
    out.append("".join(R.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3000)))
    out.append(SCRIPTS["chinese"] * 40)
    out.append(SCRIPTS["thai"] * 30)
    out.append(" ".join(SCRIPTS.values()) * 3)
    out.append("😀" * 300)
    out.append(">" + " " * 40 + "</" * 10)
    # random unicode (unassigned, private use, controls: byte fallback paths)
    for _ in range(120):
        out.append(rand_unicode(R.randint(1, 60)))
    # random vocabulary tokens glued together (exercises many merges)
    for _ in range(300):
        toks = [R.choice(vocab_tokens) for _ in range(R.randint(1, 25))]
        s = "".join(toks).replace("\u2581", R.choice([" ", " ", "\u2581", "  "]))
        out.append(s)
    # random ASCII with the characters that matter for splitting
    for _ in range(150):
        out.append("".join(R.choice("ab <>/\t\n\u2581.,'\"-_=") for _ in range(R.randint(1, 80))))
    return out


def decode_cases(n_vocab, special_ids, byte_ids, added_ids):
    cases = []
    for _ in range(400):
        ids = []
        for _ in range(R.randint(0, 30)):
            r = R.random()
            if r < 0.35:
                ids.append(R.choice(byte_ids))
            elif r < 0.45:
                ids.append(R.choice(special_ids))
            elif r < 0.55:
                ids.append(R.choice(added_ids))
            elif r < 0.58:
                ids.append(R.randint(n_vocab, n_vocab + 1000))
            else:
                ids.append(R.randrange(n_vocab))
        cases.append(ids)
    # valid and invalid byte runs: every prefix of multi-byte characters
    for ch in ["é", "€", "𝔸", "😀", "한"]:
        b = ch.encode()
        for k in range(1, len(b) + 1):
            cases.append([byte_ids[x] for x in b[:k]])
            cases.append([byte_ids[x] for x in b[:k]] + [2] + [byte_ids[x] for x in b[k:]])
    cases.append([byte_ids[0x41], byte_ids[0x80]])
    cases.append([byte_ids[0xED], byte_ids[0xA0], byte_ids[0x80]])
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    tok = Tokenizer.from_file(a.tokenizer)
    vocab = tok.get_vocab(with_added_tokens=True)
    by_id = sorted(vocab.items(), key=lambda kv: kv[1])
    model_tokens = [t for t, i in by_id if i < 262144 and not (t.startswith("<") and t.endswith(">"))]
    texts = corpus(model_tokens)
    with open(os.path.join(a.out, "golden_extra.jsonl"), "w", encoding="utf-8") as f:
        for text in texts:
            e1 = tok.encode(text, add_special_tokens=True)
            e0 = tok.encode(text, add_special_tokens=False)
            f.write(json.dumps({
                "text": text,
                "ids": e1.ids,
                "ids_no_special": e0.ids,
                "tokens_no_special": e0.tokens,
                "decoded": tok.decode(e0.ids, skip_special_tokens=False),
                "decoded_with_special": tok.decode(e1.ids, skip_special_tokens=False),
                "decoded_skip_special": tok.decode(e1.ids, skip_special_tokens=True),
            }, ensure_ascii=False) + "\n")
    added = tok.get_added_tokens_decoder()
    special_ids = sorted(i for i, t in added.items() if t.special)
    added_ids = sorted(added)
    byte_ids = [vocab["<0x%02X>" % b] for b in range(256)]
    n_vocab = tok.get_vocab_size(with_added_tokens=True)
    with open(os.path.join(a.out, "decode_golden.jsonl"), "w", encoding="utf-8") as f:
        for ids in decode_cases(n_vocab, special_ids, byte_ids, added_ids):
            f.write(json.dumps({"ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False),
                                "decoded_skip_special": tok.decode(ids, skip_special_tokens=True)},
                               ensure_ascii=False) + "\n")
    with open(os.path.join(a.out, "utf8_lossy.jsonl"), "w", encoding="utf-8") as f:
        pool = [b"\x80", b"\xbf", b"\xc0", b"\xc1", b"\xc2", b"\xdf", b"\xe0", b"\xe0\xa0", b"\xe0\x80", b"\xed\xa0",
                b"\xed\x9f", b"\xef\xbf", b"\xf0", b"\xf0\x90", b"\xf0\x8f", b"\xf0\x90\x80", b"\xf4\x8f\xbf",
                b"\xf4\x90", b"\xf5", b"\xff", b"a", b" ", "é".encode(), "😀".encode(), "€".encode()]
        for _ in range(500):
            bs = b"".join(R.choice(pool) for _ in range(R.randint(1, 12)))
            if R.random() < 0.3:
                bs = bytes(R.getrandbits(8) for _ in range(R.randint(1, 16)))
            f.write(json.dumps({"hex": bs.hex(), "text": bs.decode("utf-8", "replace")}, ensure_ascii=False) + "\n")
    print(f"{len(texts)} texts -> {a.out}")


if __name__ == "__main__":
    main()
