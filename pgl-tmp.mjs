import { PGlite } from '@electric-sql/pglite';
let t=Date.now();
const db = await PGlite.create();
console.log('create mem', Date.now()-t); t=Date.now();
await db.exec(`create table c(id bigint primary key, tier text, end_date date); create table k(id bigint primary key, customer_id bigint, tier text, end_date date);
insert into c select g, null, null from generate_series(1,100000) g; insert into k select g, g, 'gold', current_date from generate_series(1,100000) g; create index on k(customer_id);`);
console.log('load 100k', Date.now()-t); t=Date.now();
for (let lo=0; lo<100000; lo+=2000) {
  await db.query(`update c set tier=s.tier, end_date=s.end_date from (select customer_id, tier, end_date from k where id > $1 and id <= $2 for share) s where s.customer_id=c.id and (c.tier,c.end_date) is distinct from (s.tier,s.end_date)`, [lo, lo+2000]);
}
console.log('backfill', Date.now()-t); t=Date.now();
const r = await db.query(`select md5(string_agg(c.id||':'||coalesce(c.tier,'')||coalesce(c.end_date::text,''), ',' order by c.id)) from c`);
console.log('checksum', Date.now()-t, r.rows); t=Date.now();
const blob = await db.dumpDataDir('none');
console.log('dump', Date.now()-t, blob.size); t=Date.now();
const db2 = await PGlite.create({loadDataDir: blob});
console.log('load from dump', Date.now()-t, (await db2.query('select count(*) from c')).rows); t=Date.now();
const db3 = await PGlite.create('/tmp/pgl-dir');
console.log('create dir', Date.now()-t); t=Date.now();
await db3.close();
const db4 = await PGlite.create('/tmp/pgl-dir');
console.log('reopen dir', Date.now()-t); t=Date.now();
