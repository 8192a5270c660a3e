// Writes the .xls (BIFF8) fixtures of xls_test.go into the directory given
// (default: this one), with SheetJS (npm xlsx@0.18.5):
//   village.xls  a village roster as old Excel/WPS saves it: a merged title
//                row, a 序号 column, a date cell (yyyy-mm-dd), an ID typed as
//                a number, full-width digits, a blank row and a footer;
//   sst.xls      rows of long texts in the shared strings (SST), which run
//                on into a CONTINUE record (SheetJS cuts it between strings);
//   cells.xls    numbers, booleans, an error, a formula's cached number, and
//                dates and non-dates by their number format; a second sheet
//                that is not read.
// The texts and numbers here are written out again by hand in xls_test.go.
const XLSX = require('xlsx');
const path = require('path');
const dir = process.argv[2] || __dirname;

function id(first17) {
  const w = [7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2];
  let s = 0; for (let i = 0; i < 17; i++) s += (+first17[i]) * w[i];
  return first17 + '10X98765432'[s % 11];
}
function write(name, sheets, opts) {
  const wb = XLSX.utils.book_new();
  for (const [n, ws] of sheets) XLSX.utils.book_append_sheet(wb, ws, n);
  XLSX.writeFile(wb, path.join(dir, name), Object.assign({bookType: 'biff8'}, opts || {}));
}

// village.xls
{
  const rows = [
    ['平山县示例镇甲村农户花名册（2025年）'],
    ['填报单位：甲村村委会'],
    ['序号','户主姓名','与户主关系','姓名','性别','身份证号','出生日期','村民小组','联系电话','备注'],
    [1,'王建国','户主','王建国 ','男', id('13013119600312001'), new Date(Date.UTC(1960,2,12)), '一组','138 0013 8000',''],
    [2,null,'妻子','李秀兰','女', id('13013119620405002'), '1962.04.05','一组','',''],
    [3,'张桂英','户主','张桂英','女', '１３０１３１' + id('13013119470622004').slice(6), '19470622','二组','0311-82345678',''],
    [4,'张桂英','孙子','刘冬','男', 130131200801010035, '2008-01-01','二组','',''],
    [],
    ['合计：2户 4人'],
  ];
  const ws = XLSX.utils.aoa_to_sheet(rows, {cellDates: true});
  ws['!merges'] = [{s:{r:0,c:0},e:{r:0,c:9}}, {s:{r:3,c:1},e:{r:4,c:1}}];
  ws['G4'].z = 'yyyy-mm-dd';
  write('village.xls', [['花名册', ws]]);
}

// sst.xls: 40 rows of distinct long texts, some with Latin letters and a
// character outside the BMP, and in row 20 a text of 2500 characters.
{
  const rows = [['序号','姓名','住址','备注']];
  for (let i = 1; i <= 40; i++) {
    rows.push([i, '村民' + i, '平山县示例镇甲村第' + i + '号院，东邻村委会，西邻卫生室',
      i == 20 ? '长'.repeat(2500) : i % 3 ? 'No.' + i + ' 外出务工 🌾' : '']);
  }
  write('sst.xls', [['名册', XLSX.utils.aoa_to_sheet(rows)]], {bookSST: true});
}

// cells.xls
{
  const ws = XLSX.utils.aoa_to_sheet([
    ['整数','小数','负数','浮点','大数','十二位','身份证号'],
    [1, 300.5, -7, 0.1 + 0.2, 1e20, 123456789012, 130131200801010035],
    [true, false, null, null],
    [21987, 21987.5, 0.5, 45000, 300.5, 12, 1234.5],
  ]);
  ws['C3'] = {t: 'e', v: 0x07};  // #DIV/0!
  // =1+2 with its result 3: ptgInt 1, ptgInt 2, ptgAdd.
  ws['D3'] = {t: 'n', v: 3, f: '1+2', bf: [7,0, 0x1E,1,0, 0x1E,2,0, 0x03]};
  const z = ['m/d/yy', 'yyyy-mm-dd hh:mm', 'h:mm', 'yyyy"年"m"月"d"日"', '[Red]0.00', '0.0"days"', '#,##0.00'];
  z.forEach((f, c) => { ws[XLSX.utils.encode_cell({r: 3, c})].z = f; });
  const other = XLSX.utils.aoa_to_sheet([['不读这一页']]);
  write('cells.xls', [['数据', ws], ['其他', other]]);
}
