DROP TABLE rule_pack_categories;
DROP TABLE rule_packs;
