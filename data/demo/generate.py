#!/usr/bin/env python3
"""Generates data/demo/competition.json: a realistic provincial final for the demo and tests.

Three events (one for pairs), two groups each, 60 entries, five judges per event. Fixed seed:
running it again gives the same file. The names, units and ID numbers are invented; the ID
numbers carry a valid GB 11643 check digit so that import code that checks them has something
real to check.
"""
import json
import random
import sys

rng = random.Random(20261120)

SURNAMES = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱",
            "胡", "郭", "何", "罗", "高", "林", "段", "杜", "普", "字", "和", "李", "杨", "张"]
COMPOUND = ["欧阳", "司马", "诸葛", "上官"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
         "明", "超", "秀英", "华", "平", "刚", "桂英", "志强", "建国", "晓东", "海燕", "春梅",
         "云飞", "丽华", "文博", "子涵", "雨萱", "浩然", "思远", "嘉怡", "俊杰", "一鸣"]
DAI = ["岩温", "玉香", "岩罕", "玉应", "岩光"]  # 傣族 names have no surname
WORKER_UNITS = ["昆明机床股份有限公司", "云南电网有限责任公司昆明供电局", "玉溪市红塔区通用机械厂",
                "曲靖市麒麟区汽车运输有限公司", "红河哈尼族彝族自治州交通运输集团有限公司",
                "云南白药集团股份有限公司", "大理州建设工程有限公司", "西双版纳傣族自治州景洪市公交公司"]
STUDENT_UNITS = ["云南技师学院", "云南机电职业技术学院", "昆明冶金高等专科学校",
                 "曲靖技师学院", "红河州技师学院", "大理技师学院", "玉溪技师学院"]
REGIONS = ["530102", "530103", "530111", "530402", "530302", "532901", "532501", "532801"]

used_names = set()


def person_name():
    while True:
        roll = rng.random()
        if roll < 0.06:
            name = rng.choice(DAI)
        elif roll < 0.12:
            name = rng.choice(COMPOUND) + rng.choice(GIVEN)
        else:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in used_names:
            used_names.add(name)
            return name


def id_number(birth_year, female):
    body = "%s%04d%02d%02d%02d%d" % (rng.choice(REGIONS), birth_year, rng.randint(1, 12),
                                      rng.randint(1, 28), rng.randint(10, 99),
                                      rng.choice([0, 2, 4, 6, 8]) if female else rng.choice([1, 3, 5, 7, 9]))
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


EVENTS = [
    {
        "id": "E01", "name": "数控车工",
        "occupation": {"code": "6-18-01-01", "name": "车工", "in_catalog": True, "top_level": "高级技师"},
        "team_size": 1,
        "weights": {"theory": 20, "practical": 80},
        "aggregation": "trimmed_mean",
        "criteria": [{"id": "A", "name": "工艺编制", "max": 20}, {"id": "B", "name": "零件加工", "max": 60},
                     {"id": "C", "name": "精度检测", "max": 10}, {"id": "D", "name": "安全文明生产", "max": 10}],
        "awards": {"scheme": "medals", "quotas": ["10%", "20%", "30%"], "quota_rounding": "round"},
        "tie_break": ["practical", "time"],
    },
    {
        "id": "E02", "name": "电工",
        "occupation": {"code": "6-31-01-03", "name": "电工", "in_catalog": True, "top_level": "高级技师"},
        "team_size": 1,
        "weights": {"theory": 30, "practical": 70},
        "aggregation": "mean",
        "criteria": [{"id": "A", "name": "电气线路安装", "max": 40}, {"id": "B", "name": "故障排除", "max": 35},
                     {"id": "C", "name": "调试与运行", "max": 15}, {"id": "D", "name": "职业素养", "max": 10}],
        "awards": {"scheme": "medals", "quotas": [1, 1, 2], "quota_rounding": "floor"},
        "tie_break": ["practical", "theory", "time"],
    },
    {
        "id": "E03", "name": "汽车维修工（双人赛）",
        "occupation": {"code": "4-12-01-01", "name": "汽车维修工", "in_catalog": True, "top_level": "高级技师"},
        "team_size": 2,
        "weights": {"theory": 0, "practical": 100},
        "aggregation": "median",
        "criteria": [{"id": "A", "name": "发动机故障诊断", "max": 35}, {"id": "B", "name": "底盘检修", "max": 30},
                     {"id": "C", "name": "电气系统检修", "max": 25}, {"id": "D", "name": "安全与5S", "max": 10}],
        "awards": {"scheme": "medals", "quotas": ["10%", "20%", "30%"], "quota_rounding": "ceil"},
        "tie_break": ["practical", "time"],
    },
]
GROUPS = {"E01": [("职工组", 14), ("学生组", 10)], "E02": [("职工组", 12), ("学生组", 10)],
          "E03": [("职工组", 7), ("学生组", 7)]}
JUDGES = {"E01": ["J01", "J02", "J03", "J04", "J05"], "E02": ["J06", "J07", "J08", "J09", "J10"],
          "E03": ["J11", "J12", "J13", "J14", "J15"]}
# Fixed names (not drawn from rng, so adding them changed no other line of the file).
JUDGE_NAMES = ["杨建华", "李国强", "赵丽萍", "段文斌", "普志刚", "何春燕", "刘永红", "字正明", "罗晓梅",
               "张德福", "王立新", "施云龙", "马丽华", "陈宏伟", "杜兴文"]


def judges_list():
    out, i = [], 0
    for ev_id, ids in JUDGES.items():
        for k, jid in enumerate(ids):
            out.append({"id": jid, "name": JUDGE_NAMES[i], "events": [ev_id], "chief": k == 0})
            i += 1
    return out


def quantize(x, step):
    return round(round(x / step) * step, 2)


def main():
    entries, marks, theory = [], [], []
    person_seq = 0
    for ev in EVENTS:
        for group, count in GROUPS[ev["id"]]:
            student = group == "学生组"
            for k in range(count):
                entry_id = "%s-%s%02d" % (ev["id"], "S" if student else "W", k + 1)
                members = []
                for m in range(ev["team_size"]):
                    person_seq += 1
                    female = rng.random() < 0.3
                    if student:
                        level = rng.choice([None, None, "初级工", "中级工", "高级工"])
                        birth = rng.randint(2003, 2007)
                    else:
                        level = rng.choice(["中级工", "高级工", "高级工", "技师", None])
                        birth = rng.randint(1980, 2001)
                    member = {"id": "P%03d" % person_seq, "name": person_name(), "student": student,
                              "level": level, "promoted_before": rng.random() < 0.05,
                              "unit": rng.choice(STUDENT_UNITS if student else WORKER_UNITS),
                              "gender": "女" if female else "男",
                              "id_number": id_number(birth, female)}
                    members.append(member)
                status = "ok"
                if ev["id"] == "E01" and group == "职工组" and k == 13:
                    status = "absent"
                if ev["id"] == "E02" and group == "职工组" and k == 11:
                    status = "disqualified"
                entry = {"id": entry_id, "event": ev["id"], "group": group, "status": status}
                if status != "absent":
                    entry["time_seconds"] = rng.randint(150, 240) * 30
                entry["members"] = members
                entry["coach"] = person_name() if rng.random() < 0.7 else None
                if entry["coach"] is None:
                    del entry["coach"]
                entries.append(entry)
                if status == "absent":
                    continue
                ability = rng.uniform(0.55, 0.95)
                for crit in ev["criteria"]:
                    base = crit["max"] * ability
                    for judge in JUDGES[ev["id"]]:
                        step = rng.choice([0.5, 0.5, 0.25, 0.1])
                        score = quantize(min(crit["max"], max(0, base + rng.gauss(0, crit["max"] * 0.04))), step)
                        score = min(score, crit["max"])
                        marks.append({"entry": entry_id, "criterion": crit["id"], "judge": judge,
                                      "score": int(score) if score == int(score) else score})
                if ev["weights"]["theory"] > 0:
                    t = quantize(min(100, 40 + ability * 55 + rng.gauss(0, 4)), 0.5)
                    theory.append({"entry": entry_id, "score": int(t) if t == int(t) else t})
    doc = {
        "format": "skillscore/1",
        "competition": {"id": "YN2026", "name": "2026年云南省职业技能大赛", "class": "provincial",
                        "stage": "final", "cash": "preset", "code": "YNJS",
                        "organizer": "云南省人力资源和社会保障厅",
                        "certificate_issuer": "2026年云南省职业技能大赛组委会办公室",
                        "appraisal_centre": "云南省职业技能鉴定中心", "date": "2026-11-20"},
        "events": EVENTS,
        "judges": judges_list(),
        "entries": entries,
        "marks": marks,
        "theory": theory,
    }
    out = sys.stdout
    out.write("{\n")
    keys = list(doc)
    for i, key in enumerate(keys):
        value = doc[key]
        comma = "," if i + 1 < len(keys) else ""
        if isinstance(value, list):
            out.write('  "%s": [\n' % key)
            for j, item in enumerate(value):
                out.write("    " + json.dumps(item, ensure_ascii=False) + ("," if j + 1 < len(value) else "") + "\n")
            out.write("  ]%s\n" % comma)
        else:
            out.write('  "%s": %s%s\n' % (key, json.dumps(value, ensure_ascii=False), comma))
    out.write("}\n")


if __name__ == "__main__":
    main()
