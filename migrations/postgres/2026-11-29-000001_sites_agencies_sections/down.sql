DROP TABLE sections;
DROP TABLE sites;
DROP TABLE agencies;
