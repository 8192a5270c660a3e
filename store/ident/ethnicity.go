package ident

// ethnicities are the codes of GB/T 3304 (中国各民族名称的罗马字母拼写法和代码),
// as ID card records and rosters hold them.
var ethnicities = []string{
	"", "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
	"满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
	"佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
	"达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
	"塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
	"独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
}

// EthnicityName is the name of a GB/T 3304 code ("01" → 汉族); any other
// value is returned as it is.
func EthnicityName(code string) string {
	if len(code) == 2 && code[0] >= '0' && code[0] <= '9' && code[1] >= '0' && code[1] <= '9' {
		n := int(code[0]-'0')*10 + int(code[1]-'0')
		switch {
		case n >= 1 && n < len(ethnicities):
			return ethnicities[n]
		case n == 97:
			return "其他"
		case n == 98:
			return "外国血统中国籍人士"
		}
	}
	return code
}
